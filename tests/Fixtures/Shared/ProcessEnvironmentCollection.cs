using Xunit;

namespace ImgTrack.Tests;

/// <summary>
/// Test classes that change the process's environment (<c>$env:DOCKER_HOST</c>, <c>DOCKER_TLS_VERIFY</c>,
/// <c>DOCKER_CONFIG</c>, <c>PATH</c>): a hosted runspace's <c>$env:</c> is the test process's own, so while one of them
/// runs, every other test that resolves an endpoint or a credential would see its values (a <c>tcp://</c> engine test
/// then tried TLS and failed as EngineUnreachable). xUnit runs this collection alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process environment";
}
