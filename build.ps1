<#
.SYNOPSIS
    Builds, documents, tests and packages the ImgTrack module.

.DESCRIPTION
    Tasks run in the order given:

      Clean    Removes out/ and every project's bin/ and obj/ folders.
      Build    Runs 'dotnet build ImgTrack.sln -c <Configuration>', which stages the module into out/ImgTrack
               (help that Docs staged in out/ImgTrack/en-US is kept).
      Docs     Turns the PlatyPS 0.14 markdown in docs/en-US into out/ImgTrack/en-US/ImgTrack.dll-Help.xml
               (cmdlet help) and about_ImgTrack.help.txt. Without platyPS 0.14 it warns and generates nothing.
      Test     Runs every layer: 'dotnet test ImgTrack.sln' (xUnit: core, hosted cmdlets, real engines), then the Pester
               suite in a fresh pwsh against out/ImgTrack (Pester pinned and restored from NuGet, isolated
               PSModulePath). The last line sums both layers: 'Total: N passed, N failed, N skipped'.
      Package  Runs Docs (platyPS 0.14 required unless -SkipHelp), then packs out/ImgTrack into
               out/ImgTrack.<version>.nupkg with Compress-PSResource (PSResourceGet 1.1 or later).
      Run      Builds the module, then in a fresh pwsh imports out/ImgTrack and shows 'Get-ImageIdentity -All' for the
               engine DOCKER_HOST (or the Docker context, or the platform default) names. With no engine: what is
               missing and how to fix it, what works without one, and exit code 1.
      Fuzz     Publishes tests/Fuzz/ImgTrack.Fuzz into out/fuzz/bin, instruments that copy of ImgTrack.Core.dll with sharpfuzz,
               runs afl-fuzz on each -Target for -Seconds, reports executions, corpus, crashes and hangs, and fails
               when any input crashed or hung, printing each one and what it threw (docs/fuzzing.md).

    Works in Windows PowerShell 5.1 and PowerShell 7. Package also needs Compress-PSResource, from
    Microsoft.PowerShell.PSResourceGet 1.1 or later, which PowerShell 7.5 and later include (the pinned
    'dotnet pwsh' does). A failing step stops the script with a non-zero exit code.

.PARAMETER Task
    The tasks to run (default: Build).

.PARAMETER Configuration
    The .NET build configuration (default: Debug).

.PARAMETER SkipHelp
    Lets Package run without platyPS: it does not run Docs and packs out/ImgTrack as it is, so the package holds
    whatever help an earlier Docs run left in out/ImgTrack/en-US (none unless Docs ran before).

.PARAMETER Target
    The Fuzz targets: reference (ImageReference.Parse), tracking-key (TrackingKey.Create) or All (default: both), one
    after the other; or planted-bug, the control, which must fail: the reference checks plus a planted exception.

.PARAMETER Seconds
    How long Fuzz runs afl-fuzz on each target, not counting the build and the seed calibration (default: 60).

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test

.EXAMPLE
    ./build.ps1 -Task Build, Docs, Package -Configuration Release

.EXAMPLE
    ./build.ps1 -Task Build, Package -SkipHelp

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

# Runs a native command and stops the build when it fails: $ErrorActionPreference does not apply to exit codes
# of native programs in Windows PowerShell 5.1.
function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )

    Write-Verbose "$FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# How to start this same PowerShell again: its own executable, or 'dotnet pwsh.dll' when it runs as the local dotnet
# tool (dotnet pwsh), whose process is dotnet itself.
function Get-PwshCommandLine {
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }

    @($process)
}

function Assert-StagedModule {
    if (-not (Test-Path -LiteralPath $Manifest)) {
        throw "The staged module $Manifest does not exist. Run the Build task first."
    }
}

# Clean: removes out/ and every project's bin/ and obj/ folders.
function Invoke-Clean {
    if (Test-Path -LiteralPath $OutDir) {
        Remove-Item -LiteralPath $OutDir -Recurse -Force
    }

    foreach ($root in @('src', 'tests')) {
        $path = Join-Path $RepoRoot $root
        if (Test-Path -LiteralPath $path) {
            Get-ChildItem -LiteralPath $path -Directory -Recurse -Include 'bin', 'obj' |
                Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

# Build: dotnet build of the solution, which stages the importable module into out/ImgTrack.
function Invoke-Build {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', $Solution, '-c', $Configuration)
    Assert-StagedModule
}

# The platyPS that Docs uses: 0.14.x, whose New-ExternalHelp reads the markdown in docs/en-US. (platyPS 2 previews
# and Microsoft.PowerShell.PlatyPS 1.x have other commands and another markdown schema.)
function Find-PlatyPS {
    Get-Module -ListAvailable -Name platyPS |
        Where-Object { $_.Version -ge [version]'0.14.0' -and $_.Version -lt [version]'1.0' } |
        Sort-Object Version -Descending |
        Select-Object -First 1
}

$PlatyPSInstallHint = "Install-PSResource -Name platyPS -Version 0.14.2 -Scope CurrentUser, or Install-Module -Name platyPS -RequiredVersion 0.14.2 -Scope CurrentUser"

# Docs: PlatyPS 0.14 markdown in docs/en-US to out/ImgTrack/en-US: ImgTrack.dll-Help.xml (the cmdlets' help, from
# the <Verb>-<Noun>.md files) and about_ImgTrack.help.txt (from about_ImgTrack.md).
function Invoke-Docs {
    Assert-StagedModule
    $helpDir = Join-Path $ModuleDir 'en-US'
    $platyPS = Find-PlatyPS
    if ($null -eq $platyPS) {
        $left = if (Test-Path -LiteralPath $helpDir) {
            "the help already in $helpDir was left as it is and may be out of date"
        }
        else {
            'the staged module has no help: Get-Help shows only the syntax of each cmdlet, and about_ImgTrack does not exist'
        }

        Write-Warning "platyPS 0.14 was not found in PSModulePath, so no help was generated; $left. To generate help, install platyPS: $PlatyPSInstallHint."
        return
    }

    # New-ExternalHelp only adds and overwrites: clear the folder so a renamed or removed topic does not linger.
    if (Test-Path -LiteralPath $helpDir) {
        Remove-Item -LiteralPath $helpDir -Recurse -Force
    }

    Import-Module $platyPS -ErrorAction Stop
    $null = New-ExternalHelp -Path (Join-Path $RepoRoot 'docs/en-US') -OutputPath $helpDir -Force
    foreach ($file in 'ImgTrack.dll-Help.xml', 'about_ImgTrack.help.txt') {
        if (-not (Test-Path -LiteralPath (Join-Path $helpDir $file))) {
            throw "platyPS $($platyPS.Version) did not write $file into $helpDir."
        }
    }

    Write-Host "Help (platyPS $($platyPS.Version)): $((Get-ChildItem -LiteralPath $helpDir -File).Name -join ', ') in $helpDir"
}

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

# Package: Docs (unless -SkipHelp), then out/ImgTrack.<version>.nupkg from out/ImgTrack with PSResourceGet's
# Compress-PSResource, the packing step of Publish-PSResource without a repository. (PowerShellGet 2's
# Publish-Module cannot be used: it builds a netcoreapp2.0 project, which the .NET 10 SDK refuses, NETSDK1061.)
# The package installs with Install-PSResource or Save-PSResource from any folder or feed it is put in.
function Invoke-Package {
    Assert-StagedModule
    if ($SkipHelp) {
        Write-Warning "-SkipHelp: Docs did not run, so the package holds whatever help is already in $(Join-Path $ModuleDir 'en-US') (none unless Docs ran before)."
    }
    elseif ($null -eq (Find-PlatyPS)) {
        throw "Package stopped: platyPS 0.14 was not found in PSModulePath, and without it the package would ship no help (Get-Help would show only the syntax of each cmdlet). Run again with -SkipHelp to package without generating help, or install platyPS: $PlatyPSInstallHint."
    }
    else {
        Invoke-Docs
    }

    if ($null -eq (Get-Command -Name Compress-PSResource -ErrorAction SilentlyContinue)) {
        throw "Package needs Compress-PSResource from Microsoft.PowerShell.PSResourceGet 1.1 or later, which PowerShell 7.5 and later include (this is PowerShell $($PSVersionTable.PSVersion)). Run build.ps1 in the pinned pwsh ('dotnet tool restore', then 'dotnet pwsh ./build.ps1 ...'), or install it: Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser."
    }

    $version = (Import-PowerShellDataFile -LiteralPath $Manifest).ModuleVersion
    $package = Join-Path $OutDir "ImgTrack.$version.nupkg"
    if (Test-Path -LiteralPath $package) {
        Remove-Item -LiteralPath $package -Force
    }

    Compress-PSResource -Path $ModuleDir -DestinationPath $OutDir
    if (-not (Test-Path -LiteralPath $package)) {
        throw "Compress-PSResource did not write $package."
    }

    Write-Host "Package: $package"
}

# Run: builds and stages the module (the module project only: the tests are not needed to run it), then shows
# 'Get-ImageIdentity -All' in a fresh pwsh: this session may already hold an ImgTrack.dll, which .NET cannot unload.
# The engine is the one DOCKER_HOST, the Docker context or the platform default names, as for any user. Without an
# engine, the engine's own message (what is missing, how to fix it) and what works without one, and exit code 1 in
# $script:RunExitCode. Nothing is captured, so the child pwsh writes straight to the terminal (colors, table width).
function Invoke-Run {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', (Join-Path $RepoRoot 'src/ImgTrack/ImgTrack.csproj'), '-c', $Configuration, '-nologo')
    Assert-StagedModule

    $command = @"
`$ErrorActionPreference = 'Stop'
Write-Host 'PS> Import-Module ./out/ImgTrack/ImgTrack.psd1'
Import-Module -Name '$($Manifest.Replace("'", "''"))'
Write-Host 'PS> Get-ImageIdentity -All'
try {
    `$count = 0
    Get-ImageIdentity -All -ErrorAction Continue | ForEach-Object { `$count++; `$_ } | Out-Host
}
catch {
    # Run failures only (no engine, a bad endpoint): item failures are written and the run goes on.
    Write-Host ''
    Write-Host `$_.Exception.Message
    Write-Host ''
    Write-Host 'Without an engine, ImgTrack still reads image names as Docker does:'
    # Four columns that fit an 80-column terminal; the Reference holds the registry.
    Write-Host 'PS> ConvertTo-ImageReference nginx, localhost:5000/app:1.0, ghcr.io/org/tool:2 | Format-Table Original, Reference, Repository, Tag -AutoSize'
    ConvertTo-ImageReference 'nginx', 'localhost:5000/app:1.0', 'ghcr.io/org/tool:2' | Format-Table Original, Reference, Repository, Tag -AutoSize | Out-Host
    exit 1
}

if (`$count -eq 0) {
    Write-Host 'The engine answered, but it holds no images yet: pull one (docker pull nginx) and run this again.'
}
exit 0
"@
    $pwsh = Get-PwshCommandLine
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command
    $script:RunExitCode = $LASTEXITCODE
}

# Fuzz: the SharpFuzz harnesses in tests/Fuzz/ImgTrack.Fuzz under afl-fuzz (issue 10, docs/fuzzing.md). The harness is
# published into out/fuzz/bin and only that copy of ImgTrack.Core.dll is instrumented, never the build output that
# the module and the other tests use. Each target's findings go to out/fuzz/findings/<target> (afl-fuzz's -o, emptied
# first) and its afl-fuzz log beside it. Fails when a seed or a generated input crashed or hung.
function Invoke-Fuzz {
    $afl = Get-Command -Name 'afl-fuzz' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -eq $afl) {
        throw "Fuzz needs afl-fuzz (AFL++) on PATH: on Debian or Ubuntu, apt-get install afl++."
    }

    $fuzzDir = Join-Path $OutDir 'fuzz'
    $binDir = Join-Path $fuzzDir 'bin'
    $harness = Join-Path $binDir 'ImgTrack.Fuzz.dll'
    $project = Join-Path $RepoRoot 'tests/Fuzz/ImgTrack.Fuzz'

    # A fresh publish each time: sharpfuzz rewrites ImgTrack.Core.dll in place and refuses one it has instrumented.
    if (Test-Path -LiteralPath $binDir) {
        Remove-Item -LiteralPath $binDir -Recurse -Force
    }

    Invoke-Native -FilePath 'dotnet' -ArgumentList @('publish', (Join-Path $project 'ImgTrack.Fuzz.csproj'), '-c', $Configuration, '-o', $binDir, '-nologo')
    # The pinned local tool (.config/dotnet-tools.json), found from the repository root.
    Push-Location -LiteralPath $RepoRoot
    try {
        Invoke-Native -FilePath 'dotnet' -ArgumentList @('tool', 'run', 'sharpfuzz', (Join-Path $binDir 'ImgTrack.Core.dll'))
    }
    finally {
        Pop-Location
    }

    $targets = if ($Target -eq 'All') { @('reference', 'tracking-key') } else { @($Target) }
    $failed = @()
    foreach ($name in $targets) {
        if (-not (Invoke-FuzzTarget -Name $name -AflFuzz $afl.Source -Harness $harness -Project $project -FindingsRoot (Join-Path $fuzzDir 'findings'))) {
            $failed += $name
        }
    }

    if ($failed) {
        throw "Fuzz found inputs that crash or hang: $($failed -join ', ') (see above; each input is kept in out/fuzz/findings/<target>/default)."
    }
}

# Runs afl-fuzz on one target for $Seconds and reports it; $false when a seed or a generated input crashed or hung.
function Invoke-FuzzTarget {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $AflFuzz,
        [Parameter(Mandatory)] [string] $Harness,
        [Parameter(Mandatory)] [string] $Project,
        [Parameter(Mandatory)] [string] $FindingsRoot
    )

    $dotnet = (Get-Command -Name 'dotnet' -CommandType Application | Select-Object -First 1).Source
    # The control starts from the reference seeds, as a real target would.
    $corpus = Join-Path $Project "corpus/$(if ($Name -eq 'planted-bug') { 'reference' } else { $Name })"
    $findings = Join-Path $FindingsRoot $Name
    $log = Join-Path $FindingsRoot "$Name.log"
    if (Test-Path -LiteralPath $findings) {
        Remove-Item -LiteralPath $findings -Recurse -Force
    }

    $null = New-Item -ItemType Directory -Path $FindingsRoot -Force

    # The seeds first, in-process: a seed that fails is a finding of its own, and afl-fuzz would only refuse to start.
    $seeds = @(Get-ChildItem -LiteralPath $corpus -File | ForEach-Object FullName)
    $seedOutput = & $dotnet $Harness $Name --replay @seeds 2>&1
    if ($LASTEXITCODE -ne 0) {
        Write-Host "${Name}: a seed in $corpus fails:"
        $seedOutput | ForEach-Object { Write-Host "  $_" }
        return $false
    }

    # AFL_SKIP_BIN_CHECK: the target binary is dotnet, which carries no AFL marker; SharpFuzz's fork server and the
    # instrumented ImgTrack.Core.dll do the work. AFL_NO_AFFINITY: CI and developer machines share their cores, and a core
    # already taken makes afl-fuzz stop. -t 5000: a parse is microseconds, but a restarted child pays .NET's start.
    $environment = [ordered]@{
        AFL_SKIP_CPUFREQ                      = '1'
        AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1'
        AFL_NO_UI                             = '1'
        AFL_NO_AFFINITY                       = '1'
        AFL_SKIP_BIN_CHECK                    = '1'
    }
    $arguments = @('-i', $corpus, '-o', $findings, '-x', (Join-Path $Project 'tokens.dict'), '-t', '5000', '-m', 'none',
        '-V', $Seconds, '--', $dotnet, $Harness, $Name)
    Write-Host "${Name}: afl-fuzz $($arguments -join ' ') (log: $log)"
    $saved = @{}
    foreach ($variable in $environment.Keys) {
        $saved[$variable] = [Environment]::GetEnvironmentVariable($variable)
        [Environment]::SetEnvironmentVariable($variable, $environment[$variable])
    }

    try {
        & $AflFuzz @arguments *> $log
        $exitCode = $LASTEXITCODE
    }
    finally {
        foreach ($variable in $saved.Keys) {
            [Environment]::SetEnvironmentVariable($variable, $saved[$variable])
        }
    }

    $statsFile = Join-Path $findings 'default/fuzzer_stats'
    if ($exitCode -ne 0 -or -not (Test-Path -LiteralPath $statsFile)) {
        $tail = Get-Content -LiteralPath $log -Tail 25 | ForEach-Object { $_ -replace "\e\[[0-9;?]*[A-Za-z]", '' }
        throw "afl-fuzz on $Name failed with exit code $exitCode; the end of its log ($log):`n$($tail -join "`n")"
    }

    $stats = Read-FuzzerStats -Path $statsFile
    $crashes = @(Get-ChildItem -LiteralPath (Join-Path $findings 'default/crashes') -File -Filter 'id*' -ErrorAction SilentlyContinue)
    $hangs = @(Get-ChildItem -LiteralPath (Join-Path $findings 'default/hangs') -File -Filter 'id*' -ErrorAction SilentlyContinue)
    Write-Host ("{0}: {1} executions in {2} s ({3}/s), corpus {4} ({5} new), {6} edges, {7} crashes, {8} hangs" -f $Name,
        $stats.execs_done, $stats.run_time, $stats.execs_per_sec, $stats.corpus_count, $stats.corpus_found, $stats.edges_found,
        $stats.saved_crashes, $stats.saved_hangs)

    foreach ($hang in $hangs) {
        Write-Host "${Name}: hangs (over 5 s): $(Format-FuzzInput -Path $hang.FullName) ($($hang.FullName))"
    }

    if ($crashes) {
        # afl-fuzz saves one input per new path to a crash: often many for one bug. The first ten tell the story.
        $shown = @($crashes | Select-Object -First 10)
        $more = if ($crashes.Count -gt $shown.Count) { "; the first $($shown.Count)" } else { '' }
        Write-Host "${Name}: $($crashes.Count) crashing inputs$more, replayed in-process (dotnet $Harness $Name --replay <file>):"
        & $dotnet $Harness $Name --replay @($shown.FullName) 2>&1 | ForEach-Object { Write-Host "  $_" }
    }

    # Counted from afl-fuzz's own numbers as well as from the files, so neither can hide a finding.
    [int]$stats.saved_crashes -eq 0 -and [int]$stats.saved_hangs -eq 0 -and $crashes.Count -eq 0 -and $hangs.Count -eq 0
}

# afl-fuzz's fuzzer_stats ('name : value' lines) as a hashtable of strings.
function Read-FuzzerStats([string] $Path) {
    $stats = @{}
    foreach ($line in Get-Content -LiteralPath $Path) {
        if ($line -match '^(\w+)\s*:\s*(.*)$') {
            $stats[$Matches[1]] = $Matches[2].Trim()
        }
    }

    $stats
}

# A saved input as one line: printable ASCII as is, every other byte as \xNN.
function Format-FuzzInput([string] $Path) {
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    $text = [System.Text.StringBuilder]::new()
    foreach ($b in $bytes) {
        if ($b -ge 0x20 -and $b -le 0x7e -and $b -ne 0x5c) { $null = $text.Append([char]$b) } else { $null = $text.AppendFormat('\x{0:x2}', $b) }
    }

    "'$text' ($($bytes.Length) bytes)"
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
