<#
.SYNOPSIS
    Builds, documents, tests and packages the ImgTrack module.

.DESCRIPTION
    Tasks run in the order given:

      Clean    Removes out/ and every project's bin/ and obj/ folders.
      Build    Runs 'dotnet build ImgTrack.sln -c <Configuration>', which stages the module into out/ImgTrack
               (help that Docs staged in out/ImgTrack/en-US is kept).
      Docs     Turns the PlatyPS 0.14 markdown in docs/en-US into out/ImgTrack/en-US/ImgTrack.dll-Help.xml
               (cmdlet help) and about_ImgTrack.help.txt. Without platyPS 0.14 it fails, saying how to install it.
      Test     Runs every layer: 'dotnet test ImgTrack.sln' (xUnit: core, hosted cmdlets, real engines), then the Pester
               suite in a fresh pwsh against out/ImgTrack (Pester pinned and restored from NuGet, isolated
               PSModulePath), then the .NET Framework layer where tests/NetFramework exists. The last line sums the
               layers: 'Total: N passed, N failed, N skipped'.
      Package  Builds Release into out/package/ImgTrack, generates its help there (platyPS 0.14 required unless
               -SkipHelp), then packs it into out/ImgTrack.<version>.nupkg with Compress-PSResource (PSResourceGet 1.1
               or later).
      Run      Builds the module, then in a fresh pwsh imports out/ImgTrack and shows 'Get-ImageIdentity -All' for the
               engine DOCKER_HOST (or the Docker context, or the platform default) names. With no engine: what is
               missing and how to fix it, what works without one, and exit code 1.
      Fuzz     Publishes tests/Fuzz/ImgTrack.Fuzz into out/fuzz/bin, instruments that copy of ImgTrack.Core.dll with
               sharpfuzz, runs afl-fuzz on each -Target for -Seconds, reports executions, corpus, crashes and hangs,
               and fails when any input crashed or hung, printing each one and what it threw (docs/fuzzing.md).

    Each task is a file of its own, build/Tasks/<Task>.ps1, and build/Common.ps1 holds the helpers they share; this
    script dot-sources them and runs the tasks.

    Works in Windows PowerShell 5.1 and PowerShell 7. Package also needs Compress-PSResource, from
    Microsoft.PowerShell.PSResourceGet 1.1 or later, which PowerShell 7.5 and later include (the pinned
    'dotnet pwsh' does). A failing step stops the script with a non-zero exit code.

.PARAMETER Task
    The tasks to run (default: Build).

.PARAMETER Configuration
    The .NET build configuration (default: Debug). Package always builds Release.

.PARAMETER SkipHelp
    For tests: lets Package run without platyPS. The package then has no help at all (Get-Help shows only each
    cmdlet's syntax), and Package says so.

.PARAMETER Target
    The Fuzz targets: reference (ImageReference.Parse), tracking-key (TrackingKey.Create) or All (default: both), one
    after the other; or planted-bug, the control, which must fail: the reference checks plus a planted exception.

.PARAMETER Seconds
    How long Fuzz runs afl-fuzz on each target, not counting the build and the seed calibration (default: 60).

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test

.EXAMPLE
    ./build.ps1 -Task Package

    out/ImgTrack.<version>.nupkg: a Release build with its help. Needs platyPS 0.14 first:
    Install-PSResource -Name platyPS -Version 0.14.2 -Scope CurrentUser.

.EXAMPLE
    ./build.ps1 -Task Package -SkipHelp

    For tests: a package without help, where platyPS is not installed.

.EXAMPLE
    ./build.ps1 -Task Fuzz -Target All -Seconds 3600

    The longer fuzz run: an hour on each target. The Test task's Pester suite runs a short one (tests/Pester/Fuzz.Tests.ps1).

.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Run

    The README's first command: the pinned pwsh, the module built and staged, every image of the machine's engine.
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Docs', 'Test', 'Package', 'Run', 'Fuzz')]
    [string[]] $Task = 'Build',

    [string] $Configuration = 'Debug',

    [switch] $SkipHelp,

    [ValidateSet('reference', 'tracking-key', 'All', 'planted-bug')]
    [string] $Target = 'All',

    [ValidateRange(1, 604800)]
    [int] $Seconds = 60
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleDir = Join-Path $OutDir 'ImgTrack'
$Manifest = Join-Path $ModuleDir 'ImgTrack.psd1'
$Solution = Join-Path $RepoRoot 'ImgTrack.sln'

# The tasks, one file each, and the helpers they share; dot-sourced, so they see the parameters and paths above.
. (Join-Path $PSScriptRoot 'build/Common.ps1')
foreach ($taskFile in 'Clean', 'Build', 'Docs', 'Test', 'Package', 'Run', 'Fuzz') {
    . (Join-Path $PSScriptRoot "build/Tasks/$taskFile.ps1")
}

try {
    foreach ($name in $Task) {
        Write-Host "==> $name ($Configuration)"
        switch ($name) {
            'Clean' { Invoke-Clean }
            'Build' { Invoke-Build }
            'Docs' { Invoke-Docs }
            'Test' { Invoke-Test }
            'Package' { Invoke-Package }
            'Fuzz' { Invoke-Fuzz }
            'Run' {
                # Its own exit code, without an error record: the run has already said what went wrong.
                Invoke-Run
                if ($script:RunExitCode -ne 0) { exit $script:RunExitCode }
            }
        }
    }
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 1
}

exit 0
