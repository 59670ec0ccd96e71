using System.Management.Automation;

namespace ImgTrack.Isolation;

/// <summary>
/// Runs when the module is imported and removed: installs and removes the dependency resolver that keeps
/// ImgTrack's third-party assemblies apart from other modules' copies.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnImport() => DependencyResolver.Register();

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo) => DependencyResolver.Unregister();
}
