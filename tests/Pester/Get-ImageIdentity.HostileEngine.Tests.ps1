#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Get-ImageIdentity in a real pwsh against the test's own engine (tests/Fixtures/Shared/FakeEngine.cs, run by
# tests/Fixtures/ImgTrack.TestEngine --fake): a slow first answer, a hostile gigabyte image list and a legitimate engine of
# 200,000 images. The memory scenarios run in a fresh pwsh each, so the peak they report (VmHWM) is that run's alone.
# The fake engine needs no dockerd: nothing here skips.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop

    # One -All run in a fresh pwsh, taking the first $First objects; returns what it wrote, its error and its peak memory.
    function Measure-AllRun([string] $DockerHost, [int] $First) {
        $script = Join-Path $TestDrive 'measure.ps1'
        Set-Content -LiteralPath $script -Value @'
param($DockerHost, $First)
Import-Module ImgTrack
$count = 0
$failure = $null
$clock = [System.Diagnostics.Stopwatch]::StartNew()
try {
    Get-ImageIdentity -All -DockerHost $DockerHost -TimeoutSec 600 -WarningAction SilentlyContinue -ErrorAction Stop |
        Select-Object -First $First | ForEach-Object { $count++ }
}
catch { $failure = $_ }
$peak = (Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }) -replace '\D', ''
[pscustomobject]@{
    Count = $count; ErrorId = "$($failure.FullyQualifiedErrorId)"; Message = "$($failure.Exception.Message)"
    PeakMB = [math]::Round([long]$peak / 1024); Seconds = [math]::Round($clock.Elapsed.TotalSeconds, 1)
} | ConvertTo-Json -Compress
'@
        $run = Invoke-TestScript -Path $script -ArgumentList $DockerHost, $First
        $line = $run.Output | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1
        if (-not $line) { throw "The measuring run wrote no result (exit code $($run.ExitCode)): $($run.Output -join "`n")" }
        $line | ConvertFrom-Json
    }
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Get-ImageIdentity against a slow, hostile or very large engine' {
    Context 'The first contact' {
        BeforeAll {
            # A busy engine, or socket-activated Podman starting on its first connection: 7 s before it answers at all.
            $script:slow = Start-TestFakeEngine -Images 1 -FirstAnswerDelayMs 7000
            $script:slowToo = Start-TestFakeEngine -Images 1 -FirstAnswerDelayMs 7000
        }

        AfterAll {
            $script:slow, $script:slowToo | Stop-TestEngine
        }

        It 'Should wait as long as -TimeoutSec for the first answer' {
            $identity = Get-ImageIdentity -All -DockerHost $script:slow.DockerHost -TimeoutSec 30 -WarningAction SilentlyContinue
            @($identity).Count | Should -Be 1
        }

        It 'Should keep the short first-contact limit the help names when -TimeoutSec is not given' {
            { Get-ImageIdentity -All -DockerHost $script:slowToo.DockerHost } |
                Should -Throw -ErrorId 'EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand' -ExpectedMessage '*did not answer within 5 seconds*'
            $help = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot '../../docs/en-US/Get-ImageIdentity.md')
            # ? stands for the markdown's backticks, which are the wildcard's escape character.
            $help | Should -BeLike '*When ?-TimeoutSec? is not given, requests may take 60 seconds,*the first contact only*5 seconds*'
        }
    }

    Context 'A hostile image list of 1.5 GB' {
        BeforeAll {
            $script:hostile = Start-TestFakeEngine -HostileListBytes 1500000000
        }

        AfterAll {
            $script:hostile | Stop-TestEngine
        }

        It 'Should end with one EngineProtocolError naming the limit while the process stays under 1 GB' {
            $run = Measure-AllRun -DockerHost $script:hostile.DockerHost -First 1000000
            Write-Host "hostile 1.5 GB list: peak $($run.PeakMB) MB, $($run.Seconds) s: $($run.Message)"
            $run.ErrorId | Should -Be 'EngineProtocolError,ImgTrack.Commands.GetImageIdentityCommand'
            $run.Message | Should -BeLike "*answered 'GET /images/json'*its answer is larger than any engine's (the image list holds more than 384 MiB of image IDs, tags and digests*"
            $run.Count | Should -Be 0
            $run.PeakMB | Should -BeLessThan 1024
        }
    }

    Context 'A legitimate engine of 200,000 images' {
        BeforeAll {
            $script:large = Start-TestFakeEngine -Images 200000
        }

        AfterAll {
            $script:large | Stop-TestEngine
        }

        It 'Should read the whole list and go on with the images, in memory the records need' {
            # The list is read whole before the first inspect; the first 1,000 identities show the run goes on from it.
            $run = Measure-AllRun -DockerHost $script:large.DockerHost -First 1000
            Write-Host "200,000-image list, first 1,000 identities: peak $($run.PeakMB) MB, $($run.Seconds) s"
            $run.ErrorId | Should -BeNullOrEmpty
            $run.Count | Should -Be 1000
            $run.PeakMB | Should -BeLessThan 1024
        }
    }
}
