<#
.SYNOPSIS
    Builds and runs tests/NetFramework: the staged module's netstandard2.0 assemblies in a net472 xUnit program under
    Mono, as close to Windows PowerShell 5.1's runtime as Linux gets. Ends with "N passed, N failed, N skipped".
.DESCRIPTION
    Builds the test program (which stages the module into out/ImgTrack first) and ImgTrack.TestEngine (the fixture process
    that starts a private dockerd and registry), then runs xunit.console.exe from the pinned xunit.runner.console package
    under mono and reads the counts from its XML report. Needs Debian's mono-runtime and mono-devel (Mono's netstandard
    facades ship only in mono-devel); without Mono it says so and counts nothing, except in CI
    (IMGTRACK_REQUIRE_ENGINE=1), where a missing Mono fails.
.PARAMETER Configuration
    The build configuration (Debug by default).
.PARAMETER NoBuild
    Runs what is built already.
.PARAMETER ReportPath
    Where xunit.console writes its XML report, which is kept (build.ps1's Test task reads it); by default a temporary
    file, deleted once read.
.PARAMETER PassThru
    Returns the counts (Passed, Failed, Skipped, ExitCode) instead of exiting with 1 on failure.
#>
[CmdletBinding()]
param(
    [string] $Configuration = 'Debug',
    [switch] $NoBuild,
    [string] $ReportPath,
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$project = Join-Path $PSScriptRoot 'ImgTrack.NetFramework.Tests/ImgTrack.NetFramework.Tests.csproj'
$counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; ExitCode = 0 }

function Complete-Run {
    Write-Host "$($counts.Passed) passed, $($counts.Failed) failed, $($counts.Skipped) skipped"
    if ($PassThru) {
        return [pscustomobject]$counts
    }

    if ($counts.ExitCode -ne 0 -or $counts.Failed -gt 0) {
        exit 1
    }
}

$mono = Get-Command -Name mono -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if ($null -eq $mono -or -not (Test-Path -LiteralPath '/usr/lib/mono/4.5/Facades/netstandard.dll')) {
    $reason = 'tests/NetFramework needs Mono with its netstandard facades: apt-get install mono-runtime mono-devel.'
    if ($env:IMGTRACK_REQUIRE_ENGINE -eq '1') {
        Write-Host "FAILED: $reason"
        $counts.Failed = 1
        $counts.ExitCode = 1
    }
    else {
        Write-Host "Skipped: $reason"
    }

    return Complete-Run
}

# The fixture process: wherever the tests' layout keeps it.
$engineProject = Get-ChildItem -LiteralPath (Join-Path $repoRoot 'tests') -Recurse -Filter 'ImgTrack.TestEngine.csproj' | Select-Object -First 1
if (-not $NoBuild) {
    foreach ($toBuild in $project, $engineProject.FullName) {
        & dotnet build $toBuild -c $Configuration --nologo | Out-Host
        if ($LASTEXITCODE -ne 0) {
            throw "dotnet build $toBuild failed ($LASTEXITCODE)."
        }
    }
}

$testAssembly = Join-Path $PSScriptRoot "ImgTrack.NetFramework.Tests/bin/$Configuration/net472/ImgTrack.NetFramework.Tests.dll"
$env:IMGTRACK_TEST_ENGINE = Join-Path $engineProject.DirectoryName "bin/$Configuration/net10.0/ImgTrack.TestEngine.dll"

# The console runner pinned in Directory.Packages.props, from the NuGet global packages folder.
$packagesProps = Get-Content -Raw -LiteralPath (Join-Path $repoRoot 'Directory.Packages.props')
if ($packagesProps -notmatch '<PackageVersion Include="xunit.runner.console" Version="([^"]+)"') {
    throw 'Directory.Packages.props does not pin xunit.runner.console.'
}

$packages = $env:NUGET_PACKAGES
if (-not $packages) {
    $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}

$runner = Join-Path $packages "xunit.runner.console/$($Matches[1])/tools/net472/xunit.console.exe"
if (-not (Test-Path -LiteralPath $runner)) {
    throw "xunit.runner.console is not restored ($runner): build $project."
}

$report = if ($ReportPath) { $ReportPath } else { Join-Path ([System.IO.Path]::GetTempPath()) ('imgtrack-netfx-' + [guid]::NewGuid().ToString('N') + '.xml') }
Write-Host "Mono $((& $mono.Source --version | Select-Object -First 1) -replace '^Mono JIT compiler version ', ''): $testAssembly"
& $mono.Source $runner $testAssembly -noshadow -xml $report | Out-Host
$counts.ExitCode = $LASTEXITCODE
if (Test-Path -LiteralPath $report) {
    $assemblies = ([xml](Get-Content -Raw -LiteralPath $report)).assemblies.assembly
    if (-not $ReportPath) {
        Remove-Item -LiteralPath $report
    }
    foreach ($assembly in @($assemblies)) {
        # Attributes by name: <assembly> also has an <errors> element.
        $counts.Passed += [int]$assembly.GetAttribute('passed')
        $counts.Failed += [int]$assembly.GetAttribute('failed') + [int]$assembly.GetAttribute('errors')
        $counts.Skipped += [int]$assembly.GetAttribute('skipped')
    }
}
elseif ($counts.ExitCode -ne 0) {
    $counts.Failed = 1
}

Complete-Run
