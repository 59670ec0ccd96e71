# Support for the Pester suite: the private test engine and registry, started and stopped by the same C# fixture the
# xUnit tests use (tests/Shared/DockerEngineFixture.cs, run as tests/ImgTrack.TestEngine), and helpers to make images.
# Outside CI, on a machine that cannot run Debian's dockerd, engine tests skip and say why; in CI
# (IMGTRACK_REQUIRE_ENGINE=1) they run, so a missing engine fails instead of hiding.

Set-StrictMode -Version 3.0

$script:RepoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)

# The newest build of the engine starter (Debug or Release, whichever dotnet test or build.ps1 built last).
function Get-TestEngineAssembly {
    $candidates = Get-ChildItem -Path (Join-Path $script:RepoRoot 'tests/ImgTrack.TestEngine/bin') -Recurse -Filter 'ImgTrack.TestEngine.dll' -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending
    if (-not $candidates) {
        throw "tests/ImgTrack.TestEngine is not built: run 'dotnet build ImgTrack.sln' (the README's test command does)."
    }

    @($candidates)[0].FullName
}

<#
.SYNOPSIS
    Why engine tests cannot run on this machine, or $null when they can (or must, in CI).
#>
function Get-TestEngineSkipReason {
    $line = & dotnet (Get-TestEngineAssembly) --check
    if ($LASTEXITCODE -ne 0) { throw "ImgTrack.TestEngine --check failed with exit code $LASTEXITCODE." }
    ($line | ConvertFrom-Json).Unavailable
}

<#
.SYNOPSIS
    Starts a private dockerd (and docker-registry) and returns where they listen. Stop it with Stop-TestEngine.
.PARAMETER KillAfterRequests
    Also opens ProxyHost, a socket in front of the engine that kills dockerd after relaying this many requests.
#>
function Start-TestEngine {
    [CmdletBinding()]
    param(
        [switch] $Tls,
        [string] $HostName,
        [switch] $NoRegistry,
        [int] $KillAfterRequests = -1
    )

    $arguments = @((Get-TestEngineAssembly))
    if ($Tls) { $arguments += '--tls' }
    if ($HostName) { $arguments += '--hostname', $HostName }
    if ($NoRegistry) { $arguments += '--no-registry' }
    if ($KillAfterRequests -ge 0) { $arguments += '--kill-after-requests', $KillAfterRequests }

    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in $arguments) { $start.ArgumentList.Add([string]$argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) {
        $process.WaitForExit()
        throw "ImgTrack.TestEngine exited with code $($process.ExitCode) before the engine started (its error output above says why)."
    }

    $engine = $line | ConvertFrom-Json
    if ($engine.PSObject.Properties['Unavailable']) {
        $process.WaitForExit()
        throw "No test engine here: $($engine.Unavailable)"
    }

    $engine | Add-Member -NotePropertyName Process -NotePropertyValue $process -PassThru
}

<#
.SYNOPSIS
    Stops an engine from Start-TestEngine: closing its standard input makes the starter stop dockerd and the registry.
#>
function Stop-TestEngine {
    param([Parameter(ValueFromPipeline)] $Engine)
    process {
        if ($null -eq $Engine -or -not $Engine.PSObject.Properties['Process']) { return }
        $Engine.Process.StandardInput.Close()
        if (-not $Engine.Process.WaitForExit(60000)) {
            $Engine.Process.Kill($true)
        }

        $Engine.Process.Dispose()
    }
}

<#
.SYNOPSIS
    Runs the docker CLI against a test engine and returns its output; throws with the CLI's message when it fails.
#>
function Invoke-TestDocker {
    param(
        [Parameter(Mandatory)] $Engine,
        [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments
    )

    $saved = $env:DOCKER_HOST
    $env:DOCKER_HOST = $Engine.DockerHost
    try {
        $output = & docker @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "docker $($Arguments -join ' ') failed: $output" }
        $output
    }
    finally {
        $env:DOCKER_HOST = $saved
    }
}

<#
.SYNOPSIS
    Makes a distinct image named Name in a test engine with docker import (no repo digest until pushed); returns its ID.
#>
function New-TestImage {
    param(
        [Parameter(Mandatory)] $Engine,
        [Parameter(Mandatory)] [string] $Name
    )

    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ("itimg-" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $folder
    try {
        Set-Content -LiteralPath (Join-Path $folder 'imgtrack-id') -Value "$Name`n$([guid]::NewGuid())"
        $tarball = Join-Path $folder 'rootfs.tar'
        & tar -C $folder -cf $tarball imgtrack-id
        if ($LASTEXITCODE -ne 0) { throw "tar failed with exit code $LASTEXITCODE." }
        (Invoke-TestDocker $Engine import $tarball $Name | Select-Object -Last 1).Trim()
    }
    finally {
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

<#
.SYNOPSIS
    Runs a script file in a fresh pwsh (this same PowerShell) as a scheduled task would: -NoProfile -NonInteractive -File.
    PSModulePath is only the staged module's folder and PowerShell's own modules, so 'Import-Module ImgTrack' by name
    finds the staged module. Returns the exit code and the output lines.
#>
function Invoke-TestScript {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string[]] $ArgumentList = @()
    )

    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $pwsh = if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }
    $savedModulePath = $env:PSModulePath
    $env:PSModulePath = (Join-Path $script:RepoRoot 'out') + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
    try {
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $Path @ArgumentList 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
    finally {
        $env:PSModulePath = $savedModulePath
    }
}

Export-ModuleMember -Function Get-TestEngineSkipReason, Start-TestEngine, Stop-TestEngine, Invoke-TestDocker, New-TestImage, Invoke-TestScript
