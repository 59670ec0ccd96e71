using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Usage: ImgTrack.IsolationProbe <staged ImgTrack.psd1> <docker host>
// Exit 0 and "OK <n> images" when ImgTrack works beside the older Docker.DotNet; exit 1 with the error otherwise.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: ImgTrack.IsolationProbe <ImgTrack.psd1> <docker host>");
    return 2;
}

var otherModuleDll = System.IO.Path.Combine(AppContext.BaseDirectory, "OtherModule", "Docker.DotNet.dll");
using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
using var ps = PowerShell.Create();
ps.Runspace = runspace;
ps.AddScript("""
    param($otherModuleDll, $manifest, $dockerHost)
    $ErrorActionPreference = 'Stop'
    # What another module does: its own (older) Docker.DotNet in the default load context.
    $older = [System.Reflection.Assembly]::LoadFrom($otherModuleDll)
    "preloaded $($older.FullName)"
    Import-Module $manifest
    $images = @(Get-ImageIdentity -All -DockerHost $dockerHost -WarningAction SilentlyContinue)
    $ours = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Docker.DotNet*' } | ForEach-Object { $_.FullName }
    "loaded: $($ours -join ' | ')"
    "OK $($images.Count) images"
    """).AddArgument(otherModuleDll).AddArgument(args[0]).AddArgument(args[1]);
try
{
    foreach (var line in ps.Invoke())
    {
        Console.WriteLine(line);
    }

    if (ps.HadErrors)
    {
        foreach (var error in ps.Streams.Error)
        {
            Console.WriteLine("ERROR " + error.FullyQualifiedErrorId + ": " + error);
        }

        return 1;
    }

    return 0;
}
catch (RuntimeException ex)
{
    var inner = ex.InnerException ?? ex;
    Console.WriteLine($"FAIL {ex.ErrorRecord?.FullyQualifiedErrorId}: {inner.GetType().Name}: {inner.Message}");
    return 1;
}
