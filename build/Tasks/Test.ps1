# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Test: every layer. xUnit through 'dotnet test' (core, hosted cmdlets, real engines), then the Pester suite in a fresh
# real pwsh against the staged module, with Pester pinned in tests/Fixtures/ImgTrack.TestEngine and restored from NuGet, and
# an isolated PSModulePath so modules installed on the machine by hand neither help nor hurt. Both layers always
# run; the last line sums them, and the task fails when either failed.
function Invoke-Test {
    $xunit = Invoke-XunitLayer
    $pester = Invoke-PesterLayer
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host "xUnit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    Write-Host "Total: $passed passed, $failed failed, $skipped skipped"
    if ($xunit.ExitCode -ne 0 -or $pester.ExitCode -ne 0 -or $failed -gt 0 -or $passed -eq 0) {
        throw "Tests failed (dotnet test exit code $($xunit.ExitCode), Pester exit code $($pester.ExitCode))."
    }
}

# Runs dotnet test, echoing its output, and reads the counts from each test project's summary line.
function Invoke-XunitLayer {
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; ExitCode = 0 }
    & dotnet test $Solution -c $Configuration 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '(Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)') {
            $counts.Failed += [int]$Matches[2]
            $counts.Passed += [int]$Matches[3]
            $counts.Skipped += [int]$Matches[4]
        }
    }
    $counts.ExitCode = $LASTEXITCODE
    [pscustomobject]$counts
}

# The Pester module pinned by tests/Fixtures/ImgTrack.TestEngine (PackageDownload), from the NuGet global packages folder.
function Get-PinnedPester {
    $project = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'tests/Fixtures/ImgTrack.TestEngine/ImgTrack.TestEngine.csproj')
    if ($project -notmatch '<PackageDownload Include="Pester" Version="\[([^\]]+)\]"') {
        throw 'tests/Fixtures/ImgTrack.TestEngine/ImgTrack.TestEngine.csproj does not pin Pester.'
    }

    $version = $Matches[1]
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }

    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "Pester $version is not restored ($manifest): run 'dotnet restore ImgTrack.sln'."
    }

    $manifest
}

# Runs the Pester suite in a fresh pwsh (this session may hold an older ImgTrack.dll, which .NET cannot unload).
function Invoke-PesterLayer {
    Assert-StagedModule
    $pester = Get-PinnedPester
    $summary = Join-Path ([System.IO.Path]::GetTempPath()) ("imgtrack-pester-" + [guid]::NewGuid().ToString('N') + '.json')
    $testsDir = Join-Path $RepoRoot 'tests/Pester'
    $command = @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name '$pester'
`$configuration = New-PesterConfiguration
`$configuration.Run.Path = '$testsDir'
`$configuration.Run.PassThru = `$true
`$configuration.Output.Verbosity = 'Detailed'
`$result = Invoke-Pester -Configuration `$configuration
@{ Passed = `$result.PassedCount; Failed = `$result.FailedCount + `$result.FailedBlocksCount + `$result.FailedContainersCount; Skipped = `$result.SkippedCount } |
    ConvertTo-Json | Set-Content -LiteralPath '$summary'
"@
    $savedModulePath = $env:PSModulePath
    # Only the modules that ship with this pwsh: nothing installed by hand can help or hurt.
    $env:PSModulePath = Join-Path $PSHOME 'Modules'
    try {
        $pwsh = Get-PwshCommandLine
        & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command | Out-Host
        $exitCode = $LASTEXITCODE
    }
    finally {
        $env:PSModulePath = $savedModulePath
    }

    $counts = [ordered]@{ Passed = 0; Failed = 1; Skipped = 0; ExitCode = $exitCode }
    if (Test-Path -LiteralPath $summary) {
        $result = Get-Content -Raw -LiteralPath $summary | ConvertFrom-Json
        Remove-Item -LiteralPath $summary
        $counts.Passed = $result.Passed
        $counts.Failed = $result.Failed
        $counts.Skipped = $result.Skipped
    }

    [pscustomobject]$counts
}
