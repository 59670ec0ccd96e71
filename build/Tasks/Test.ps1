# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Test: every layer. xUnit through 'dotnet test' (core, hosted cmdlets, real engines), then the Pester suite in a fresh
# real pwsh against the staged module, with Pester pinned in tests/Fixtures/ImgTrack.TestEngine and restored from
# NuGet, and an isolated PSModulePath so modules installed on the machine by hand neither help nor hurt, then the
# .NET Framework layer where tests/NetFramework exists. Every layer always runs; one line per layer, then the last line
# sums them ('Total: N passed, N failed, N skipped'), and the task fails when any layer failed.
function Invoke-Test {
    $layers = [ordered]@{}
    $layers['xUnit'] = Invoke-XunitLayer
    $layers['Pester'] = Invoke-PesterLayer
    $netFramework = Invoke-NetFrameworkLayer
    if ($null -ne $netFramework) {
        $layers['NetFramework'] = $netFramework
    }

    if (-not (Write-TestSummary -Layers $layers)) {
        $codes = foreach ($layer in $layers.GetEnumerator()) { "$($layer.Key) exit code $($layer.Value.ExitCode)" }
        throw "Tests failed ($($codes -join ', '))."
    }
}

# Writes one line of counts per layer, then the Total line that sums them; $true when every layer passed: it exited
# with 0, nothing failed, and something passed.
function Write-TestSummary {
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Layers
    )

    $passed = 0
    $failed = 0
    $skipped = 0
    $ok = $true
    foreach ($layer in $Layers.GetEnumerator()) {
        $counts = $layer.Value
        Write-Host "$($layer.Key): $($counts.Passed) passed, $($counts.Failed) failed, $($counts.Skipped) skipped"
        $passed += $counts.Passed
        $failed += $counts.Failed
        $skipped += $counts.Skipped
        if ($counts.ExitCode -ne 0) {
            $ok = $false
        }
    }

    Write-Host "Total: $passed passed, $failed failed, $skipped skipped"
    $ok -and $failed -eq 0 -and $passed -gt 0
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

# The hook of the .NET Framework layer (tests/NetFramework): a net472 xUnit program that loads the staged module's
# own netstandard2.0 assemblies, run under Mono by xunit.runner.console, as close to Windows PowerShell 5.1's runtime
# as Linux gets. The layer's project says how it runs, in Get-NetFrameworkLayerCommand below. This function:
#   - does nothing and returns $null when the folder is absent, so the Total line is then xUnit and Pester alone;
#   - otherwise runs the command's FilePath with its ArgumentList, echoing the output, and reads the counts from the
#     xUnit v2 XML report the command writes to its ReportPath (xunit.console's '-xml <file>'): passed, failed plus
#     errors (failures outside any test, such as a fixture's), skipped. Invoke-Test folds them into the Total line.
# The layer can never pass by not running: a folder without a command fails the task, a missing report or one
# without a single test counts as one failure, and a non-zero exit code fails the task.
function Invoke-NetFrameworkLayer {
    param(
        [string] $Folder = (Join-Path $RepoRoot 'tests/NetFramework'),
        [System.Collections.IDictionary] $Command = (Get-NetFrameworkLayerCommand)
    )

    if (-not (Test-Path -LiteralPath $Folder)) {
        return $null
    }

    if ($null -eq $Command) {
        throw "$Folder exists, but Get-NetFrameworkLayerCommand (build/Tasks/Test.ps1) names no command to run it."
    }

    $report = $Command.ReportPath
    if (Test-Path -LiteralPath $report) {
        Remove-Item -LiteralPath $report -Force
    }

    $arguments = @($Command.ArgumentList)
    Write-Host "NetFramework: $($Command.FilePath) $($arguments -join ' ')"
    & $Command.FilePath @arguments 2>&1 | ForEach-Object { Write-Host "$_" }
    $counts = [ordered]@{ Passed = 0; Failed = 1; Skipped = 0; ExitCode = $LASTEXITCODE }
    if (Test-Path -LiteralPath $report) {
        $xml = [xml](Get-Content -Raw -LiteralPath $report)
        $counts.Failed = 0
        foreach ($assembly in $xml.SelectNodes('/assemblies/assembly')) {
            $counts.Passed += [int]$assembly.GetAttribute('passed')
            $counts.Failed += [int]$assembly.GetAttribute('failed')
            if ($assembly.HasAttribute('errors')) {
                $counts.Failed += [int]$assembly.GetAttribute('errors')
            }

            $counts.Skipped += [int]$assembly.GetAttribute('skipped')
        }

        if ($counts.Passed + $counts.Failed + $counts.Skipped -eq 0) {
            Write-Host "NetFramework: the report ($report) holds no test; counted as one failure."
            $counts.Failed = 1
        }
    }
    else {
        Write-Host "NetFramework: the command wrote no report ($report); counted as one failure."
    }

    [pscustomobject]$counts
}

# How the .NET Framework layer runs: @{ FilePath = ...; ArgumentList = @(...); ReportPath = ... }, the report being
# xUnit v2 XML. tests/NetFramework/Invoke-NetFrameworkTests.ps1 in a fresh pwsh: it builds the layer's program (dotnet
# test does not: the program is no test project, xunit.console under mono runs it) and runs it, keeping the report.
function Get-NetFrameworkLayerCommand {
    $pwsh = Get-PwshCommandLine
    $script = Join-Path $RepoRoot 'tests/NetFramework/Invoke-NetFrameworkTests.ps1'
    $report = Join-Path $OutDir 'netframework-tests.xml'
    @{
        FilePath     = $pwsh[0]
        ArgumentList = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script, '-Configuration', $Configuration, '-ReportPath', $report)
        ReportPath   = $report
    }
}
