namespace ImgTrack.Registry;

/// <summary>A credential provider that can say what it asks for a registry (a credential helper by name), so a slow
/// lookup is reported as what it is rather than as the registry's silence.</summary>
internal interface IDescribedCredentialProvider
{
    /// <summary>What is asked for <paramref name="registry"/>'s credential, as a message's subject.</summary>
    string Describe(string registry);
}
