#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The short fuzz run of CI (issue 10, docs/fuzzing.md): build.ps1 -Task Fuzz as a developer runs it, 45 seconds of
# afl-fuzz on each target, then the planted-bug control, which the task must catch and fail on. Outside CI, a machine
# without afl-fuzz skips and says why; in CI (IMGTRACK_REQUIRE_ENGINE=1) a missing afl-fuzz fails.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:repoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
    $script:findings = Join-Path $script:repoRoot 'out/fuzz/findings'
    $script:skipReason = Get-TestFuzzSkipReason

    # Runs build.ps1 -Task Fuzz in a fresh pwsh (this same PowerShell) and returns its exit code and output lines.
    function Invoke-FuzzTask([string] $Target, [int] $Seconds) {
        $pwsh = Get-TestPwshCommand
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $script:repoRoot 'build.ps1') -Task Fuzz -Target $Target -Seconds $Seconds 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }

    # afl-fuzz's own record of a run: out/fuzz/findings/<target>/default/fuzzer_stats as a hashtable.
    function Read-FuzzerStats([string] $Target) {
        $path = Join-Path $script:findings "$Target/default/fuzzer_stats"
        $path | Should -Exist -Because 'afl-fuzz writes fuzzer_stats for every run it starts'
        $stats = @{}
        foreach ($line in Get-Content -LiteralPath $path) {
            if ($line -match '^(\w+)\s*:\s*(.*)$') { $stats[$Matches[1]] = $Matches[2].Trim() }
        }

        $stats
    }
}

Describe 'build.ps1 -Task Fuzz' {
    Context 'The fuzz targets, 45 seconds each' {
        BeforeAll {
            if (-not $script:skipReason) {
                $script:run = Invoke-FuzzTask -Target All -Seconds 45
                # afl-fuzz's figures into the CI log: executions, speed, corpus, edges, crashes, hangs per target.
                $script:run.Output | Where-Object { $_ -match '^(reference|tracking-key): \d+ executions' } | ForEach-Object { Write-Host "    $_" }
            }
        }

        It 'Should finish with exit code 0' {
            if ($script:skipReason) { Set-ItResult -Skipped -Because $script:skipReason; return }
            $script:run.ExitCode | Should -Be 0 -Because ($script:run.Output -join "`n")
        }

        It 'Should fuzz <_> for real: executions, coverage, new inputs, no crash and no hang' -ForEach 'reference', 'tracking-key' {
            if ($script:skipReason) { Set-ItResult -Skipped -Because $script:skipReason; return }
            $target = $_
            $stats = Read-FuzzerStats -Target $target
            # A harness that exits, or a run that stops at once, does not reach this; 45 s give hundreds of thousands.
            [long]$stats.execs_done | Should -BeGreaterThan 10000
            # Coverage reached the fork server: the instrumented ImgTrack.Core.dll, not only the seeds, drove afl-fuzz.
            [int]$stats.corpus_found | Should -BeGreaterThan 0
            [int]$stats.edges_found | Should -BeGreaterThan 100
            [int]$stats.saved_crashes | Should -Be 0
            [int]$stats.saved_hangs | Should -Be 0
            Get-ChildItem -LiteralPath (Join-Path $script:findings "$target/default/crashes") -Filter 'id*' | Should -BeNullOrEmpty
            Get-ChildItem -LiteralPath (Join-Path $script:findings "$target/default/hangs") -Filter 'id*' | Should -BeNullOrEmpty
            # The task's report line for the target, with afl-fuzz's figures.
            $script:run.Output -join "`n" | Should -Match ('(?m)^{0}: {1} executions in \d+ s .*, 0 crashes, 0 hangs$' -f [regex]::Escape($target), $stats.execs_done)
        }
    }

    Context 'The planted-bug control' {
        It 'Should find the planted bug, replay it with its exception, and fail' {
            if ($script:skipReason) { Set-ItResult -Skipped -Because $script:skipReason; return }
            $run = Invoke-FuzzTask -Target planted-bug -Seconds 10
            $text = $run.Output -join "`n"

            $run.ExitCode | Should -Be 1 -Because $text
            [int](Read-FuzzerStats -Target planted-bug).saved_crashes | Should -BeGreaterThan 0 -Because $text
            $text | Should -Match 'planted-bug: \d+ crashing inputs'
            $text | Should -Match 'ImgTrack\.Fuzz\.PlantedBugException: the planted bug'
            $text | Should -Match 'Fuzz found inputs that crash or hang: planted-bug'
        }
    }
}
