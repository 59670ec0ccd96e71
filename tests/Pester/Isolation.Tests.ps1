#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Dependency isolation in real pwsh, each case in a fresh process (an imported ImgTrack.dll cannot be unloaded):
# - the Windows PowerShell 5.1 branch (Assembly.LoadFrom, no load contexts), forced on PowerShell 7 with
#   IMGTRACK_FORCE_LOADFROM=1, so it runs where 5.1 cannot;
# - requests with no requesting assembly (.NET Framework raises many such) are answered only for the exact name and
#   version of an assembly in Dependencies/, never for another version that another module may ship.
# The private load context itself is tested with an older Docker.DotNet preloaded (DependencyIsolationTests.cs).
# On PowerShell 7 the engine transport is the platform's own and loads none of Docker.DotNet's transports (only its
# models, Docker.DotNet.dll); the first two cases force Docker.DotNet's unix transport (IMGTRACK_ENGINE_TRANSPORT=legacy,
# Windows PowerShell 5.1's), which loads Docker.DotNet.Unix.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:manifest = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1')).Path
    $script:dockerDotNet = Join-Path (Split-Path $script:manifest) 'Dependencies/Docker.DotNet.dll'
    $script:unixTransport = Join-Path (Split-Path $script:manifest) 'Dependencies/Docker.DotNet.Unix.dll'

    # Runs a script in a fresh pwsh and returns its output lines (throws with the output when it fails).
    function Invoke-FreshPwsh([string] $Script, [hashtable] $Environment = @{}) {
        $saved = @{}
        foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
        try {
            $pwsh = Get-TestPwshCommand
            $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Script 2>&1
            if ($LASTEXITCODE -ne 0) { throw "pwsh exited with $LASTEXITCODE`n$($output -join "`n")" }
            @($output | ForEach-Object { "$_" })
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

Describe 'Dependency isolation' {
    It 'Loads the dependencies with LoadFrom, as on Windows PowerShell 5.1, when that branch is forced' {
        $output = Invoke-FreshPwsh -Environment @{ IMGTRACK_FORCE_LOADFROM = '1'; IMGTRACK_ENGINE_TRANSPORT = 'legacy' } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:manifest'
try { Get-ImageIdentity -All -DockerHost 'unix:///nonexistent/imgtrack.sock' } catch { `$_.FullyQualifiedErrorId }
`$docker = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Docker.DotNet.Unix' }
'count ' + @(`$docker).Count
'context ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$docker).Name
'location ' + `$docker.Location
"@
        # The transport was created and answered with our own error: Docker.DotNet's unix transport loaded and ran.
        $output | Should -Contain 'EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand'
        $output | Should -Contain 'count 1'
        $output | Should -Contain 'context Default'
        $output | Should -Contain "location $script:unixTransport"
    }

    It 'Uses the private load context when nothing is forced' {
        $output = Invoke-FreshPwsh -Environment @{ IMGTRACK_ENGINE_TRANSPORT = 'legacy' } -Script @"
Import-Module '$script:manifest'
try { Get-ImageIdentity -All -DockerHost 'unix:///nonexistent/imgtrack.sock' } catch { }
`$docker = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Docker.DotNet.Unix' }
'context ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$docker).Name
"@
        $output | Should -Contain 'context ImgTrack'
    }

    It 'Answers a request with no requesting assembly only for the exact version it ships (<Mode>)' -ForEach @(
        @{ Mode = 'private load context'; Environment = @{} }
        @{ Mode = 'LoadFrom'; Environment = @{ IMGTRACK_FORCE_LOADFROM = '1' } }
    ) {
        $shipped = [System.Reflection.AssemblyName]::GetAssemblyName($script:dockerDotNet)
        $other = [System.Reflection.AssemblyName]::new($shipped.FullName)
        $other.Version = [version]'3.125.0.0'
        $output = Invoke-FreshPwsh -Environment $Environment -Script @"
Import-Module '$script:manifest'
# Loading by name through the default context: the resolve event carries no requesting assembly.
# The other version first: once 4.3 is in the default context, .NET itself would satisfy 3.125 with it.
try { 'other ' + [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyName([System.Reflection.AssemblyName]'$($other.FullName)').Location } catch { 'other refused' }
try { 'exact ' + [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyName([System.Reflection.AssemblyName]'$($shipped.FullName)').Location } catch { 'exact refused' }
"@
        $output | Should -Contain "exact $script:dockerDotNet"
        $output | Should -Contain 'other refused'
    }
}
