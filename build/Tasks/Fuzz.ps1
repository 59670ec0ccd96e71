# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Fuzz: the SharpFuzz harnesses in tests/Fuzz/ImgTrack.Fuzz under afl-fuzz (docs/fuzzing.md). The harness is
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
