#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The front door (issue 11). The README opens with two commands; the first is run here exactly as written, as a
# newcomer's shell runs it, in a fresh copy of this working tree (what a clone holds: no bin/, obj/ or out/), so its
# build touches nothing this test run uses: against a private engine, and with none. And Get-ImageIdentity's message
# when the engine's socket is missing or this account may not use it: the same guidance the run command shows.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:engineSkipReason = Get-TestEngineSkipReason
    if ($script:engineSkipReason) { Write-Host "README run command against an engine skipped: $script:engineSkipReason" }

    # Root ignores file permissions (CAP_DAC_OVERRIDE), so as root the child drops that capability with setpriv.
    $script:deniedSkipReason = if (-not $IsLinux) {
        'unix socket permissions are tested on Linux (the Windows pipe case is a unit test: UnreachableEngineTests)'
    }
    elseif ((& id -u) -eq '0' -and -not (Get-Command setpriv -ErrorAction Ignore)) {
        'as root, a socket is refused only without CAP_DAC_OVERRIDE, and setpriv (util-linux) is not installed to drop it'
    }
    if ($script:deniedSkipReason) { Write-Host "Permission-denied socket skipped: $script:deniedSkipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:manifest = Join-Path $script:repoRoot 'out/ImgTrack/ImgTrack.psd1'

    # The guidance of issue 11, as EngineUnreachable words it: install or start Docker or Podman, DOCKER_HOST, the
    # docker group for the socket.
    $script:guidance = @(
        'To fix: install Docker Engine or Podman, or start it if it is installed'
        'name it with DOCKER_HOST or -DockerHost'
        "to use the Docker socket without root, join the 'docker' group"
    )
}

Describe 'The README' {
    It 'Should open with the run command, then the test command' {
        $readme = (Get-Content -Raw -LiteralPath (Join-Path $script:repoRoot 'README.md')).Replace("`r`n", "`n")
        $blocks = [regex]::Matches($readme, '```[a-z]*\n(.*?)```', 'Singleline') | Select-Object -First 2 | ForEach-Object { $_.Groups[1].Value.Trim() }
        $blocks | Should -Be @(
            'dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Run'
            'dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Test'
        )
        (Get-ReadmeBlock '<!-- readme-command: run -->').Trim() | Should -Be $blocks[0]
        (Get-ReadmeBlock '<!-- readme-command: test -->').Trim() | Should -Be $blocks[1]
    }
}

Describe 'The README run command' {
    BeforeAll {
        $script:runCommand = (Get-ReadmeBlock '<!-- readme-command: run -->').Trim()

        # The working tree as a fresh clone of it holds it: nothing that .gitignore names (build output above all).
        function Copy-WorkingTree([string] $Source, [string] $Destination) {
            $ignored = 'bin', 'obj', 'out', '.git', 'TestResults', 'BenchmarkDotNet.Artifacts', '.vs', '.idea'
            $null = New-Item -ItemType Directory -Path $Destination -Force
            foreach ($item in Get-ChildItem -LiteralPath $Source -Force) {
                if ($item.PSIsContainer) {
                    if ($ignored -notcontains $item.Name) { Copy-WorkingTree $item.FullName (Join-Path $Destination $item.Name) }
                }
                elseif ($item.Extension -ne '.user') {
                    Copy-Item -LiteralPath $item.FullName -Destination $Destination
                }
            }
        }

        # Runs the command through the shell a newcomer pastes it into, in the copy, with DOCKER_HOST set. The shell
        # itself sends the output to a file rather than a pipe: build servers the build leaves running hold no pipe
        # open, so nothing waits for them. Colors are stripped.
        function Invoke-RunCommand([string] $DockerHost) {
            $log = Join-Path $TestDrive ('run-{0}.log' -f [guid]::NewGuid().ToString('N'))
            if ($IsWindows) {
                # Not run here: the Pester suite runs on Linux.
                $start = [System.Diagnostics.ProcessStartInfo]::new('cmd.exe', "/d /s /c `"($script:runCommand) > `"$log`" 2>&1`"")
            }
            else {
                $start = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
                $start.ArgumentList.Add('-c')
                $start.ArgumentList.Add("exec > '$log' 2>&1; $script:runCommand")
            }

            $start.WorkingDirectory = $script:clone
            $start.UseShellExecute = $false
            $start.Environment['DOCKER_HOST'] = $DockerHost
            $process = [System.Diagnostics.Process]::Start($start)
            try {
                if (-not $process.WaitForExit([int][TimeSpan]::FromMinutes(15).TotalMilliseconds)) {
                    $process.Kill($true)
                    throw "The run command did not finish in 15 minutes: $(Get-Content -Raw -LiteralPath $log)"
                }

                $output = @(Get-Content -LiteralPath $log | ForEach-Object { $_ -replace "`e\[[0-9;?]*[A-Za-z]", '' })
                [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $output; Text = $output -join "`n" }
            }
            finally {
                $process.Dispose()
            }
        }

        $script:clone = Join-Path $TestDrive 'clone'
        Copy-WorkingTree $script:repoRoot $script:clone
    }

    Context 'With no engine' {
        It 'Should say in one paragraph what is missing and how to fix it, show what works without an engine, and exit non-zero' {
            $missing = '/nonexistent/imgtrack/docker.sock'

            $run = Invoke-RunCommand -DockerHost "unix://$missing"

            $run.ExitCode | Should -Not -Be 0 -Because $run.Text
            $paragraph = @($run.Output | Where-Object { $_.Contains("there is no socket '$missing', so no engine is running there.") })
            $paragraph.Count | Should -Be 1 -Because $run.Text
            foreach ($fix in $script:guidance) { $paragraph[0] | Should -BeLikeExactly "*$fix*" }
            $run.Output | Should -Contain 'Without an engine, ImgTrack still reads image names as Docker does:'
            @($run.Output -match '^nginx\s+docker\.io/library/nginx:latest\s+library/nginx\s+latest\s*$').Count | Should -Be 1 -Because $run.Text
            @($run.Output -match '^localhost:5000/app:1\.0\s+localhost:5000/app:1\.0\s+app\s+1\.0\s*$').Count | Should -Be 1 -Because $run.Text
        }
    }

    Context 'With an engine' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            $script:engine = Start-TestEngine -NoRegistry
            $null = New-TestImage -Engine $script:engine -Name 'frontdoor/app:1.0'
        }

        AfterAll {
            Stop-TestEngine $script:engine
        }

        It 'Should print a table row for the engine''s image and exit 0' {
            $run = Invoke-RunCommand -DockerHost $script:engine.DockerHost

            $run.ExitCode | Should -Be 0 -Because $run.Text
            $run.Output | Should -Contain 'PS> Get-ImageIdentity -All'
            # The default table view (Repository, Tag, …); the never-pushed warning names the image too, so skip it.
            $rows = @($run.Output | Where-Object { $_ -match '^frontdoor/app\s+1\.0\s' })
            $rows.Count | Should -Be 1 -Because $run.Text
            $run.Text | Should -Not -Match 'Cannot reach'
        }
    }
}

Describe 'Get-ImageIdentity without a usable engine socket' {
    BeforeAll {
        Import-Module $script:manifest -Force
    }

    It 'Should say there is no socket, and how to get an engine' {
        $missing = '/nonexistent/imgtrack/docker.sock'

        $thrown = { Get-ImageIdentity -All -DockerHost "unix://$missing" } |
            Should -Throw -ErrorId 'EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand' -PassThru

        $thrown.Exception.Message | Should -BeLikeExactly "Cannot reach the Docker engine at unix://$missing (endpoint from the -DockerHost parameter): there is no socket '$missing', so no engine is running there. *"
        foreach ($fix in $script:guidance) { $thrown.Exception.Message | Should -BeLikeExactly "*$fix*" }
    }

    It 'Should say this account may not use the socket, and how to get access' -Skip:([bool]$script:deniedSkipReason) {
        # A real socket, mode 000: connect() fails with EACCES for anyone without CAP_DAC_OVERRIDE.
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('itd-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Path $folder
        $path = Join-Path $folder 'docker.sock'
        $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
        try {
            $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new($path))
            $socket.Listen(1)
            [System.IO.File]::SetUnixFileMode($path, [System.IO.UnixFileMode]::None)

            $command = "Import-Module '$($script:manifest.Replace("'", "''"))'; try { Get-ImageIdentity -All -DockerHost 'unix://$path' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
            $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
            $pwsh = if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }
            if ((& id -u) -eq '0') {
                $pwsh = @('setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search') + $pwsh
            }

            $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command 2>&1 | ForEach-Object { "$_" }

            $output | Should -Contain 'EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand'
            $message = @($output | Where-Object { $_.StartsWith('Cannot reach') })
            $message.Count | Should -Be 1 -Because ($output -join "`n")
            $message[0] | Should -BeLikeExactly "Cannot reach the Docker engine at unix://$path (endpoint from the -DockerHost parameter): this account may not use the socket '$path' (permission denied). *"
            foreach ($fix in $script:guidance) { $message[0] | Should -BeLikeExactly "*$fix*" }
        }
        finally {
            $socket.Dispose()
            Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
