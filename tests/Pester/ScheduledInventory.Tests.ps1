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

    # A 'pwsh' on PATH, as on a server: a shell script that starts this same PowerShell.
    $script:pwshFolder = Join-Path $TestDrive 'bin'
    $script:pwsh = Join-Path $script:pwshFolder 'pwsh'
    $null = New-Item -ItemType Directory -Path $script:pwshFolder -Force
    $launch = (Get-TestPwshCommand | ForEach-Object { "'{0}'" -f $_ }) -join ' '
    Set-Content -LiteralPath $script:pwsh -Value "#!/bin/sh`nexec $launch `"`$@`""
    if (-not $IsWindows) { & chmod 0755 $script:pwsh }

    # Runs the recipe as Invoke-TestScript does, but keeps standard output and standard error apart. Prefix is a
    # command line that runs pwsh (unshare, a shell); Environment adds variables.
    function Invoke-Recipe {
        param([string[]] $ArgumentList, [string[]] $Prefix = @(), [hashtable] $Environment = @{})

        Invoke-Child -Command (@($Prefix) + @(Get-TestPwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $script:recipe) + @($ArgumentList)) -Environment $Environment
    }

    # Runs a command line with PSModulePath = the staged module's folder and PowerShell's own modules, and PATH starting
    # with a folder whose 'pwsh' starts this same PowerShell (a server's pwsh on PATH). Returns the exit code and the
    # output, standard output and standard error apart.
    function Invoke-Child {
        param([string[]] $Command, [hashtable] $Environment = @{}, [string] $WorkingDirectory = $TestDrive)

        $start = [System.Diagnostics.ProcessStartInfo]::new($Command[0])
        foreach ($argument in ($Command | Select-Object -Skip 1)) { $start.ArgumentList.Add([string]$argument) }
        $start.WorkingDirectory = $WorkingDirectory
        $start.Environment['PATH'] = $script:pwshFolder + [System.IO.Path]::PathSeparator + $env:PATH
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['PSModulePath'] = (Join-Path $PSScriptRoot '../../out') + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
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

    It 'Should pin the ImgTrack version it was tested with (the staged one)' {
        $staged = (Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1')).ModuleVersion
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

        It 'Should exit 1 and keep yesterday''s file when, with -Name, the engine fails to answer for one name' {
            # A name that stands for no image is an answer (logged, exit 0); an engine's error about one is a fault.
            $target = New-Target
            $run = Invoke-Recipe -ArgumentList '-Path', $target, '-DockerHost', $script:failing.DockerHost, '-Name', 'team/fake:1,team/missing:1,team/fake:50'
            $run.ExitCode | Should -Be 1 -Because $run.Text
            [System.IO.File]::ReadAllText($target) | Should -BeExactly $script:yesterday
            Get-Log $target | Should -Match 'ERROR ImageNotFound,.*team/missing:1'
            Get-Log $target | Should -Match 'FATAL The run is incomplete: 1 of 3 images failed \(ImageInspectFailed x1\)'
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
            Get-Log $target | Should -Match "WARNING 3 of 3 images have no repo digest in the engine's records"
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

Describe 'The README''s inventory' {
    BeforeAll {
        $script:failing50 = Start-TestFakeEngine -Images 50 -FailInspects 49
        $script:frozen50 = Start-TestFakeEngine -Images 50 -FreezeAfterInspects 20

        # A folder as on a server: the recipe copied beside yesterday's images.csv.
        function New-ServerFolder {
            $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory -Path $folder
            Copy-Item -LiteralPath $script:recipe -Destination (Join-Path $folder 'Collect-ImageInventory.ps1')
            [System.IO.File]::WriteAllText((Join-Path $folder 'images.csv'), $script:yesterday)
            $folder
        }

        # The README's safe command, as written, run by sh in a server folder with DOCKER_HOST set.
        function Invoke-SafeInventory([string] $DockerHost) {
            $folder = New-ServerFolder
            $run = Invoke-Child -Command 'sh', '-c', (Get-ReadmeBlock '<!-- readme-example: inventory -->') -WorkingDirectory $folder -Environment @{ DOCKER_HOST = $DockerHost }
            $run | Add-Member -NotePropertyName Folder -NotePropertyValue $folder -PassThru
        }

        # The README's bare line, as written, as the one line of a script a task runs with pwsh -File.
        function Invoke-BareInventory([string] $DockerHost) {
            $folder = New-ServerFolder
            Set-Content -LiteralPath (Join-Path $folder 'inventory.ps1') -Value (Get-ReadmeBlock '<!-- readme-example: bare-inventory -->')
            $run = Invoke-Child -Command $script:pwsh, '-NoProfile', '-NonInteractive', '-File', './inventory.ps1' -WorkingDirectory $folder -Environment @{ DOCKER_HOST = $DockerHost }
            $run | Add-Member -NotePropertyName Folder -NotePropertyValue $folder -PassThru
        }
    }

    AfterAll {
        $script:failing50, $script:frozen50 | Stop-TestEngine
    }

    Context 'The safe command' {
        It 'Should exit 1 and keep yesterday''s images.csv when the engine is <_>' -ForEach 'down at the start', 'answering 500 to 49 of 50 inspects', 'frozen mid-run' {
            $engine = switch ($_) {
                'down at the start' { $script:missingEngine }
                'answering 500 to 49 of 50 inspects' { $script:failing50.DockerHost }
                'frozen mid-run' { $script:frozen50.DockerHost }
            }
            $run = Invoke-SafeInventory $engine
            $run.ExitCode | Should -Be 1 -Because $run.Text
            [System.IO.File]::ReadAllText((Join-Path $run.Folder 'images.csv')) | Should -BeExactly $script:yesterday
            $run.StdErr | Should -Match '(?m)^FATAL '
            @(Get-ChildItem -LiteralPath $run.Folder -Filter '*.tmp').Count | Should -Be 0
        }
    }

    Context 'The bare line, beside what it does on failure' {
        It 'Should exit 0 and leave the old file unchanged when the engine is down at the start' {
            $run = Invoke-BareInventory $script:missingEngine
            $run.ExitCode | Should -Be 0 -Because $run.Text
            [System.IO.File]::ReadAllText((Join-Path $run.Folder 'images.csv')) | Should -BeExactly $script:yesterday
        }

        It 'Should exit 0 with the file replaced by the rows written before, when the engine freezes mid-run' {
            $run = Invoke-BareInventory $script:frozen50.DockerHost
            $run.ExitCode | Should -Be 0 -Because $run.Text
            [System.IO.File]::ReadAllText((Join-Path $run.Folder 'images.csv')) | Should -Not -Be $script:yesterday
            @(Import-Csv -LiteralPath (Join-Path $run.Folder 'images.csv')).Count | Should -BeLessThan 50
        }

        It 'Should exit 0 with one row when 49 of 50 inspects fail' {
            $run = Invoke-BareInventory $script:failing50.DockerHost
            $run.ExitCode | Should -Be 0 -Because $run.Text
            @(Import-Csv -LiteralPath (Join-Path $run.Folder 'images.csv')).Count | Should -Be 1
        }
    }
}

Describe 'The systemd units for Linux' -Skip:(-not $IsLinux -or (& id -u) -ne '0') {
    BeforeAll {
        $script:units = Join-Path $PSScriptRoot '../../docs/examples/systemd'
        $script:healthy50 = Start-TestFakeEngine -Images 50
        $script:failing50b = Start-TestFakeEngine -Images 50 -FailInspects 49

        # The units as shipped, but with this machine's pwsh for /usr/bin/pwsh (the one change: no pwsh is installed
        # at /usr/bin here).
        $script:unitFolder = Join-Path $TestDrive 'units'
        $null = New-Item -ItemType Directory -Path $script:unitFolder
        foreach ($unit in Get-ChildItem -LiteralPath $script:units -File) {
            $text = [System.IO.File]::ReadAllText($unit.FullName).Replace('/usr/bin/pwsh ', "$script:pwsh ")
            [System.IO.File]::WriteAllText((Join-Path $script:unitFolder $unit.Name), $text)
        }
        $script:service = [System.IO.File]::ReadAllText((Join-Path $script:unitFolder 'imgtrack-inventory.service'))
    }

    AfterAll {
        $script:healthy50, $script:failing50b | Stop-TestEngine
    }

    It 'Should pass systemd-analyze verify' {
        $output = & systemd-analyze verify --man=no (Join-Path $script:unitFolder 'imgtrack-inventory.service') (Join-Path $script:unitFolder 'imgtrack-inventory.timer') 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output | Should -BeNullOrEmpty
    }

    It 'Should run the service''s command as written: exit 0 with the inventory in /var/lib/imgtrack, exit 1 keeping it when incomplete' {
        # In a mount namespace of the test's own, with tmpfs over /usr/local/lib and /var/lib: the script installed
        # where the unit names it, the state folder systemd would make, yesterday's file in it. Then ExecStart as
        # written (with the unit's Environment=), against a healthy engine and against one failing 49 of 50 inspects.
        # Not done here: systemd itself (User=, the timer).
        $line = [regex]::Match($script:service, '(?m)^ExecStart=(.+)$').Groups[1].Value
        $variables = [regex]::Matches($script:service, '(?m)^Environment=(.+)$') | ForEach-Object { $_.Groups[1].Value }
        $out = Join-Path $TestDrive 'systemd-run'
        $null = New-Item -ItemType Directory -Path $out
        [System.IO.File]::WriteAllText((Join-Path $out 'yesterday.csv'), $script:yesterday)
        $shell = @(
            'set -u; out=$1; script=$2; healthy=$3; failing=$4; shift 4'
            'mount -t tmpfs tmpfs /usr/local/lib && mount -t tmpfs tmpfs /var/lib || exit 90'
            'install -D -m 0644 "$script" /usr/local/lib/imgtrack/Collect-ImageInventory.ps1 && mkdir -p /var/lib/imgtrack || exit 91'
            'cp "$out/yesterday.csv" /var/lib/imgtrack/images.csv'
            "DOCKER_HOST=`"`$failing`" $($variables -join ' ') $line; echo `$? > `"`$out/failing.rc`""
            'cp /var/lib/imgtrack/images.csv "$out/after-failing.csv"'
            "DOCKER_HOST=`"`$healthy`" $($variables -join ' ') $line; echo `$? > `"`$out/healthy.rc`""
            'cp /var/lib/imgtrack/images.csv "$out/after-healthy.csv"; cp /var/lib/imgtrack/images.csv.log "$out/log"'
        ) -join "`n"
        $run = Invoke-Child -Command 'unshare', '--mount', 'sh', '-c', $shell, 'sh', $out, $script:recipe, $script:healthy50.DockerHost, $script:failing50b.DockerHost
        $run.ExitCode | Should -Be 0 -Because $run.Text

        (Get-Content -LiteralPath (Join-Path $out 'failing.rc')) | Should -Be 1 -Because $run.Text
        [System.IO.File]::ReadAllText((Join-Path $out 'after-failing.csv')) | Should -BeExactly $script:yesterday
        (Get-Content -LiteralPath (Join-Path $out 'healthy.rc')) | Should -Be 0 -Because $run.Text
        @(Import-Csv -LiteralPath (Join-Path $out 'after-healthy.csv')).Count | Should -Be 50
        Get-Content -Raw -LiteralPath (Join-Path $out 'log') | Should -Match 'FATAL The run is incomplete: 49 of 50'
        $run.Text | Should -Not -Match "\e\[" -Because 'the journal gets plain text'
    }
}
