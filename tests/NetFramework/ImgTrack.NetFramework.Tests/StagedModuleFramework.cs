using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: Xunit.TestFramework("ImgTrack.NetFramework.Tests.StagedModuleFramework", "ImgTrack.NetFramework.Tests")]

namespace ImgTrack.NetFramework.Tests;

/// <summary>
/// xUnit's own framework, created in the test domain before discovery: it hooks the staged module's loading first, so
/// even discovery (which reads test signatures naming module types) loads the module from out/ImgTrack. A load that
/// failed once is not tried again by the runtime, so this must come before anything names a module type.
/// </summary>
public sealed class StagedModuleFramework : XunitTestFramework
{
    public StagedModuleFramework(IMessageSink messageSink)
        : base(messageSink)
    {
        StagedModule.Load();
    }
}
