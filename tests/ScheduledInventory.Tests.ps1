#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The scheduled-task recipe of about_ImgTrack (docs/examples/Collect-ImageInventory.ps1), run as the task scheduler
# runs it: a script file in a fresh pwsh -NoProfile -NonInteractive -File, importing ImgTrack by name. A failed run
# (engine down, engine killed mid-run, nothing identified) exits 1 and leaves yesterday's inventory byte-identical;
# item failures are logged and the run exits 0 with a new inventory.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:engineSkipReason = Get-TestEngineSkipReason
    if ($script:engineSkipReason) { Write-Host "Scheduled inventory recipe skipped: $script:engineSkipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:recipe = Join-Path $PSScriptRoot '../docs/examples/Collect-ImageInventory.ps1'
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

    # Runs the recipe as Invoke-TestScript does, but keeps standard output and standard error apart. Prefix is a
    # command line that runs pwsh (unshare, a shell); Environment adds variables.
    function Invoke-Recipe {
        param([string[]] $ArgumentList, [string[]] $Prefix = @(), [hashtable] $Environment = @{})

        $command = @($Prefix) + @(Get-TestPwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $script:recipe) + @($ArgumentList)
        $start = [System.Diagnostics.ProcessStartInfo]::new($command[0])
        foreach ($argument in ($command | Select-Object -Skip 1)) { $start.ArgumentList.Add([string]$argument) }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['PSModulePath'] = (Join-Path $PSScriptRoot '../out') + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
        $child = [System.Diagnostics.Process]::Start($start)
        try {
            $stdout = $child.StandardOutput.ReadToEndAsync()
            $stderr = $child.StandardError.ReadToEndAsync()
            if (-not $child.WaitForExit(180000)) {
                $child.Kill($true)
                throw "The recipe did not finish in 3 minutes: $($command -join ' ')"
            }

            $out = $stdout.GetAwaiter().GetResult()
            $err = $stderr.GetAwaiter().GetResult()
            [pscustomobject]@{ ExitCode = $child.ExitCode; StdOut = $out; StdErr = $err; Text = "$out`n$err" }
        }
        finally {
            $child.Dispose()
        }
    }

    # One FATAL line on standard error and one in the log; no colour codes anywhere.
    function Assert-FatalOnce($Run, [string] $Log) {
        @([regex]::Matches($Run.StdErr, '(?m)^FATAL ')).Count | Should -Be 1 -Because $Run.Text
        if ($Log) { @([regex]::Matches($Log, '(?m)^\S+ FATAL ')).Count | Should -Be 1 -Because $Log }
        "$($Run.Text)$Log" | Should -Not -Match "\e\[" -Because 'redirected output and logs are plain text'
    }
}

Describe 'The scheduled inventory recipe' {
    It 'Is the script shown in about_ImgTrack, word for word' {
        $about = Get-Content -Raw -LiteralPath (Get-ChildItem -Path (Join-Path $PSScriptRoot '../docs/en-US') -Filter 'about_ImgTrack*.md' | Select-Object -First 1).FullName
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

    It 'Should pin the ImgTrack version it was tested with (the staged one)' {
        $staged = (Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot '../out/ImgTrack/ImgTrack.psd1')).ModuleVersion
        Get-Content -Raw -LiteralPath $script:recipe | Should -Match ("(?m)^\`$moduleVersion = '{0}'$" -f [regex]::Escape($staged))
        Get-Content -Raw -LiteralPath $script:recipe | Should -Match '(?m)^    Import-Module ImgTrack -RequiredVersion \$moduleVersion$'
    }

    It 'Should write FATAL once to standard error and the log, in plain text, when the engine is down' {
        $target = New-Target
        $run = Invoke-Recipe -ArgumentList '-Path', $target, '-DockerHost', $script:missingEngine -Environment @{ TERM = 'xterm-256color' }
        $run.ExitCode | Should -Be 1
        $run.StdErr | Should -Match '(?m)^FATAL EngineUnreachable,'
        Assert-FatalOnce $run (Get-Log $target)
    }

    It 'Should still say FATAL on standard error and exit 1 when the log cannot be written (<_>)' -ForEach '/dev/full', 'missing folder' {
        $target = New-Target
        $log = if ($_ -eq '/dev/full') { '/dev/full' } else { Join-Path $TestDrive 'no/such/folder/images.log' }
        $run = Invoke-Recipe -ArgumentList '-Path', $target, '-LogPath', $log, '-DockerHost', $script:missingEngine -Environment @{ TERM = 'xterm-256color' }
        $run.ExitCode | Should -Be 1 -Because $run.Text
        $run.StdErr | Should -Match '(?m)^FATAL EngineUnreachable,'
        $run.StdErr | Should -Match 'could not be written'
        Assert-FatalOnce $run
        [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
    }

    Context 'With a fake engine that lists 50 images' {
        BeforeAll {
            $script:failing = Start-TestFakeEngine -Images 50 -FailInspects 49
            $script:healthy = Start-TestFakeEngine -Images 50
            $script:frozen = Start-TestFakeEngine -Images 50 -FreezeAfterInspects 20
        }

        AfterAll {
            $script:failing, $script:healthy, $script:frozen | Stop-TestEngine
        }

        It 'Should exit 1 and keep yesterday''s file when 49 of 50 inspects fail, and log how many and why' {
            $target = New-Target
            $run = Invoke-Recipe -ArgumentList '-Path', $target, '-DockerHost', $script:failing.DockerHost
            $run.ExitCode | Should -Be 1 -Because $run.Text
            [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
            $log = Get-Log $target
            $log | Should -Match 'FATAL The run is incomplete: 49 of 50 images failed \(ImageInspectFailed x49\)'
            @([regex]::Matches($log, 'ERROR ImageInspectFailed,')).Count | Should -Be 49
            Assert-FatalOnce $run $log
            @(Get-ChildItem -LiteralPath (Split-Path $target) -Filter '*.tmp').Count | Should -Be 0
        }

        It 'Should exit 1 and keep yesterday''s file when the engine freezes mid-run' {
            $target = New-Target
            $run = Invoke-Recipe -ArgumentList '-Path', $target, '-DockerHost', $script:frozen.DockerHost, '-TimeoutSec', 5
            $run.ExitCode | Should -Be 1 -Because $run.Text
            [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
            Get-Log $target | Should -Match 'FATAL EngineTimeout,'
            Assert-FatalOnce $run (Get-Log $target)
        }

        It 'Should replace the file a symbolic link points to, and keep the link' {
            $target = New-Target
            $folder = Split-Path $target
            $link = Join-Path $folder 'current.csv'
            $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
            $run = Invoke-Recipe -ArgumentList '-Path', $link, '-DockerHost', $script:healthy.DockerHost
            $run.ExitCode | Should -Be 0 -Because $run.Text
            (Get-Item -LiteralPath $link).LinkType | Should -Be 'SymbolicLink'
            @(Import-Csv -LiteralPath $target).Count | Should -Be 50
            @(Get-ChildItem -LiteralPath $folder -Filter '*.tmp').Count | Should -Be 0
        }

        It 'Should remove the temporary files of a killed run, never those of a run still going' {
            $target = New-Target
            $killed = '{0}.{1}' -f $target, [guid]::NewGuid().ToString('N')
            $running = '{0}.{1}' -f $target, [guid]::NewGuid().ToString('N')
            foreach ($stem in $killed, $running) {
                Set-Content -LiteralPath "$stem.tmp" -Value 'partial'
                Set-Content -LiteralPath "$stem.lock" -Value ''
                (Get-Item -LiteralPath "$stem.lock").LastWriteTimeUtc = [datetime]::UtcNow.AddHours(-2)
            }
            # A run still going holds its lock open, unshared, as the recipe does.
            $held = [System.IO.File]::Open("$running.lock", 'Open', 'ReadWrite', 'None')
            try {
                $run = Invoke-Recipe -ArgumentList '-Path', $target, '-DockerHost', $script:healthy.DockerHost
            }
            finally {
                $held.Dispose()
            }

            $run.ExitCode | Should -Be 0 -Because $run.Text
            "$killed.tmp" | Should -Not -Exist
            "$killed.lock" | Should -Not -Exist
            "$running.tmp" | Should -Exist
            "$running.lock" | Should -Exist
            Get-Log $target | Should -Match ('INFO Removed {0}\.tmp, left by a run that was killed' -f [regex]::Escape($killed))
        }

        It 'Should exit 1, say FATAL on standard error and keep yesterday''s file when the disk is full' -Skip:(-not $IsLinux -or (& id -u) -ne '0') {
            # A 16 KB tmpfs in a mount namespace of the run's own: yesterday's small file fits, 50 rows do not, and
            # neither does the log once the inventory has filled the disk. The results are copied out before the
            # namespace (and its tmpfs) ends.
            $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory -Path (Join-Path $folder 'disk')
            [System.IO.File]::WriteAllText((Join-Path $folder 'yesterday.csv'), $script:yesterday)
            $shell = 'd=$1; shift; mount -t tmpfs -o size=16k tmpfs "$d/disk" && cp "$d/yesterday.csv" "$d/disk/images.csv" && "$@"; rc=$?; ' +
                'cp "$d/disk/images.csv" "$d/after.csv"; ls -a "$d/disk" > "$d/listing"; exit $rc'
            $run = Invoke-Recipe -Prefix 'unshare', '--mount', 'sh', '-c', $shell, 'sh', $folder `
                -ArgumentList '-Path', (Join-Path $folder 'disk/images.csv'), '-DockerHost', $script:healthy.DockerHost
            $run.ExitCode | Should -Be 1 -Because $run.Text
            $run.StdErr | Should -Match '(?m)^FATAL .*No space left on device'
            Assert-FatalOnce $run
            [System.IO.File]::ReadAllText((Join-Path $folder 'after.csv')) | Should -BeExactly $script:yesterday
            Get-Content -LiteralPath (Join-Path $folder 'listing') | Should -Not -Match '\.tmp$'
        }
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
            Get-Log $target | Should -Match 'INFO Replacing .*images\.csv with 3 images; 0 item errors'
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
            Get-Log $target | Should -Match 'INFO Replacing .* with 1 images; 1 item errors'
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
            Get-Log $target | Should -Match 'INFO Replacing .* with 2 images; 1 item errors'
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
