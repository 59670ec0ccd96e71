#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The scheduled-task recipe of about_ImgTrack (docs/examples/Collect-ImageInventory.ps1), run as the task scheduler
# runs it: a script file in a fresh pwsh -NoProfile -NonInteractive -File, importing ImgTrack by name. A failed run
# (engine down, engine killed mid-run, nothing identified) exits 1 and leaves yesterday's inventory byte-identical;
# item failures are logged and the run exits 0 with a new inventory.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:engineSkipReason = Get-TestEngineSkipReason
    if ($script:engineSkipReason) { Write-Host "Scheduled inventory recipe skipped: $script:engineSkipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:recipe = Join-Path $PSScriptRoot '../../docs/examples/Collect-ImageInventory.ps1'
    $script:yesterday = "`"Name`",`"TrackingId`"`r`n`"team/app:0.9`",`"sha256:yesterday`"`r`n"
    $script:missingEngine = 'unix:///nonexistent/imgtrack/docker.sock'

    # A target holding yesterday's inventory, in its own folder (so leftovers would show).
    function New-Target {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $path = Join-Path $folder 'images.csv'
        [System.IO.File]::WriteAllText($path, $script:yesterday)
        $path
    }

    function Get-Log([string] $Path) { Get-Content -Raw -LiteralPath "$Path.log" }
}

Describe 'The scheduled inventory recipe' {
    It 'Is the script shown in about_ImgTrack, word for word' {
        $about = Get-Content -Raw -LiteralPath (Get-ChildItem -Path (Join-Path $PSScriptRoot '../../docs/en-US') -Filter 'about_ImgTrack*.md' | Select-Object -First 1).FullName
        $script = (Get-Content -Raw -LiteralPath $script:recipe).Replace("`r`n", "`n").Trim()
        $about.Replace("`r`n", "`n").Contains($script) | Should -BeTrue -Because 'the recipe in about_ImgTrack is the tested script'

    }

    It 'Exits 1 and keeps the old file byte-identical when the engine is down' {
        $target = New-Target
        $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-DockerHost', $script:missingEngine
        $run.ExitCode | Should -Be 1
        [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
        Get-Log $target | Should -Match 'FATAL EngineUnreachable,ImgTrack\.Commands\.GetImageIdentityCommand'
        @(Get-ChildItem -LiteralPath (Split-Path $target) -Filter '*.tmp').Count | Should -Be 0
    }

    Context 'With an engine' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            $script:engine = Start-TestEngine -NoRegistry
            $script:names = 1..3 | ForEach-Object { 'recipe/app:{0}' -f $_ }
            $script:ids = foreach ($name in $script:names) { New-TestImage -Engine $script:engine -Name $name }
        }

        AfterAll {
            Stop-TestEngine $script:engine
        }

        It 'Exits 0 and replaces the file with the whole inventory when the engine is up' {
            $target = New-Target
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-DockerHost', $script:engine.DockerHost
            $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
            $rows = Import-Csv -LiteralPath $target
            @($rows).Count | Should -Be 3
            $rows.ImageId | Sort-Object | Should -Be ($script:ids | Sort-Object)
            Get-Log $target | Should -Match 'INFO 3 images written'
            Get-Log $target | Should -Match 'WARNING 3 of 3 images have never been pushed'
            @(Get-ChildItem -LiteralPath (Split-Path $target) -Filter '*.tmp').Count | Should -Be 0
        }

        It 'Exits 0, writes the good names and logs the missing one' {
            $target = New-Target
            $names = $script:names[0], 'recipe/missing:1', $script:names[2]
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-DockerHost', $script:engine.DockerHost, '-Name', ($names -join ',')
            $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
            (Import-Csv -LiteralPath $target).Name | Should -Be @($script:names[0], $script:names[2])
            Get-Log $target | Should -Match "ERROR ImageNotFound,ImgTrack\.Commands\.GetImageIdentityCommand: .*recipe/missing:1"
        }

        It 'Exits 1 and keeps the old file when no name is found' {
            $target = New-Target
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-DockerHost', $script:engine.DockerHost, '-Name', 'recipe/missing:1'
            $run.ExitCode | Should -Be 1
            [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
            Get-Log $target | Should -Match 'FATAL .*no image'
        }
    }

    Context 'With -Remote, asking the registry' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            # The engine only pushes the image; the recipe asks the registry, not the engine.
            $script:pusher = Start-TestEngine
            $script:good = '{0}/recipe/remote:1' -f $script:pusher.RegistryAddress
            $null = New-TestImage -Engine $script:pusher -Name $script:good
            $null = Invoke-TestDocker $script:pusher push $script:good
            $script:missing = @(1, 2 | ForEach-Object { '{0}/recipe/missing:{1}' -f $script:pusher.RegistryAddress, $_ })
        }

        AfterAll {
            Stop-TestEngine $script:pusher
        }

        It 'Exits 1 and keeps the old file byte-identical when every name failed' {
            $target = New-Target
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-Remote', '-Name', ($script:missing -join ',')
            $run.ExitCode | Should -Be 1 -Because ($run.Output -join "`n")
            [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
            Get-Log $target | Should -Match 'ERROR ManifestNotFound,ImgTrack\.Commands\.GetImageIdentityCommand'
            Get-Log $target | Should -Match 'FATAL .*no image'
            @(Get-ChildItem -LiteralPath (Split-Path $target) -Filter '*.tmp').Count | Should -Be 0
        }

        It 'Exits 0 and writes what the registry answered for, logging the name it did not' {
            $target = New-Target
            $names = $script:good, $script:missing[0]
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-Remote', '-Name', ($names -join ',')
            $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
            $row = Import-Csv -LiteralPath $target
            $row.Name | Should -Be $script:good
            $row.Source | Should -Be 'Registry'
            Get-Log $target | Should -Match 'INFO 1 images written'
            Get-Log $target | Should -Match "ERROR ManifestNotFound,.*recipe/missing:1"
        }

        It 'Exits 1 without -Name, as no registry lists images' {
            $target = New-Target
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-Remote'
            $run.ExitCode | Should -Be 1
            [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
            Get-Log $target | Should -Match 'FATAL .*-Remote needs -Name'
        }
    }

    Context 'With an image removed between the list and its inspect' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            # The relay in front of this engine runs docker rmi on the first image that is inspected, just before the
            # inspect reaches the engine: the image was listed, and is gone when asked for.
            $script:racing = Start-TestEngine -NoRegistry -RemoveFirstInspected
            foreach ($i in 1..3) { $null = New-TestImage -Engine $script:racing -Name ('racing/app:{0}' -f $i) }
        }

        AfterAll {
            Stop-TestEngine $script:racing
        }

        It 'Exits 0, writes the other images and logs the removed one as ImageNotFound' {
            $target = New-Target
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-DockerHost', $script:racing.ProxyHost
            $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
            @(Import-Csv -LiteralPath $target).Count | Should -Be 2
            Get-Log $target | Should -Match 'ERROR ImageNotFound,ImgTrack\.Commands\.GetImageIdentityCommand: .*removed before it could be inspected'
            Get-Log $target | Should -Match 'INFO 2 images written .*; 1 item errors'
        }
    }

    Context 'With an engine killed mid-run' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            # The relay in front of this engine kills dockerd after it has relayed this many requests: the handshake
            # and the list pass, then the engine dies among the inspects.
            $script:doomed = Start-TestEngine -NoRegistry -KillAfterRequests 6
            foreach ($i in 1..12) { $null = New-TestImage -Engine $script:doomed -Name ('doomed/app:{0}' -f $i) }
        }

        AfterAll {
            Stop-TestEngine $script:doomed
        }

        It 'Exits 1 and keeps the old file byte-identical' {
            $target = New-Target
            $run = Invoke-TestScript -Path $script:recipe -ArgumentList '-Path', $target, '-DockerHost', $script:doomed.ProxyHost
            $run.ExitCode | Should -Be 1 -Because ($run.Output -join "`n")
            [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
            Get-Log $target | Should -Match 'FATAL EngineUnreachable'
            @(Get-ChildItem -LiteralPath (Split-Path $target) -Filter '*.tmp').Count | Should -Be 0
        }
    }
}
