# Support for the Pester suite: the private test engine and registry, started and stopped by the same C# fixture the
# xUnit tests use (tests/Fixtures/Shared/DockerEngineFixture.cs, run as tests/Fixtures/ImgTrack.TestEngine), and helpers to make images.
# Outside CI, on a machine that cannot run Debian's dockerd, engine tests skip and say why; in CI
# (IMGTRACK_REQUIRE_ENGINE=1) they run, so a missing engine fails instead of hiding.

Set-StrictMode -Version 3.0

$script:RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../../..')).Path

# The newest build of the engine starter (Debug or Release, whichever dotnet test or build.ps1 built last).
function Get-TestEngineAssembly {
    $candidates = Get-ChildItem -Path (Join-Path $script:RepoRoot 'tests/Fixtures/ImgTrack.TestEngine/bin') -Recurse -Filter 'ImgTrack.TestEngine.dll' -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending
    if (-not $candidates) {
        throw "tests/Fixtures/ImgTrack.TestEngine is not built: run 'dotnet build ImgTrack.sln' (the README's test command does)."
    }

    @($candidates)[0].FullName
}

# Starts tests/Fixtures/ImgTrack.TestEngine with these arguments and reads the one JSON line it prints when its engine is up.
# The process is kept (it stops its engine when its standard input closes: Stop-TestEngine).
function Start-TestEngineProcess([string[]] $ArgumentList, [string] $What) {
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in $ArgumentList) { $start.ArgumentList.Add([string]$argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) {
        $process.WaitForExit()
        throw "ImgTrack.TestEngine exited with code $($process.ExitCode) before $What started (its error output above says why)."
    }

    $started = $line | ConvertFrom-Json
    if ($started.PSObject.Properties['Unavailable']) {
        $process.WaitForExit()
        throw "No test engine here ($What): $($started.Unavailable)"
    }

    $started | Add-Member -NotePropertyName Process -NotePropertyValue $process -PassThru
}

<#
.SYNOPSIS
    Why engine tests cannot run on this machine, or $null when they can (or must, in CI).
#>
function Get-TestEngineSkipReason {
    $line = & dotnet (Get-TestEngineAssembly) --check
    if ($LASTEXITCODE -ne 0) { throw "ImgTrack.TestEngine --check failed with exit code $LASTEXITCODE." }
    ($line | ConvertFrom-Json).Unavailable
}

<#
.SYNOPSIS
    Starts a private dockerd (and docker-registry) and returns where they listen. Stop it with Stop-TestEngine.
.PARAMETER KillAfterRequests
    Also opens ProxyHost, a socket in front of the engine that kills dockerd after relaying this many requests.
.PARAMETER RemoveFirstInspected
    Also opens ProxyHost, a socket in front of the engine that removes (docker rmi) the image of the first image
    inspect request just before forwarding it: an image deleted between the list and its inspect.
#>
function Start-TestEngine {
    [CmdletBinding()]
    param(
        [switch] $Tls,
        [string] $HostName,
        [switch] $NoRegistry,
        [int] $KillAfterRequests = -1,
        [switch] $RemoveFirstInspected
    )

    $arguments = @((Get-TestEngineAssembly))
    if ($Tls) { $arguments += '--tls' }
    if ($HostName) { $arguments += '--hostname', $HostName }
    if ($NoRegistry) { $arguments += '--no-registry' }
    if ($KillAfterRequests -ge 0) { $arguments += '--kill-after-requests', $KillAfterRequests }
    if ($RemoveFirstInspected) { $arguments += '--remove-first-inspected' }

    Start-TestEngineProcess -ArgumentList $arguments -What 'the engine'
}

<#
.SYNOPSIS
    Starts the tests' own loopback engine (tests/Fixtures/Shared/FakeEngine.cs; no root, no dockerd) listing Images
    images team/fake:1..Images; returns DockerHost (tcp://127.0.0.1:PORT). Stop it with Stop-TestEngine.
.PARAMETER FailInspects
    The last this many images answer 500 to their inspect: the engine's own error about each of them.
.PARAMETER FreezeAfterInspects
    Every inspect after the first this many is never answered: an engine frozen in the middle of the run.
.PARAMETER HostileListBytes
    The image list is this many bytes of distinct images, written as they go: a hostile or broken engine.
.PARAMETER FirstAnswerDelayMs
    The engine waits this long before its first answer: a busy engine, or socket-activated Podman starting.
#>
function Start-TestFakeEngine {
    [CmdletBinding()]
    param(
        [int] $Images = 0,
        [int] $FailInspects = 0,
        [int] $FreezeAfterInspects = -1,
        [long] $HostileListBytes = 0,
        [int] $FirstAnswerDelayMs = 0
    )

    $arguments = @((Get-TestEngineAssembly), '--fake', '--images', $Images, '--fail-inspects', $FailInspects,
        '--hostile-list-bytes', $HostileListBytes, '--first-answer-delay-ms', $FirstAnswerDelayMs)
    if ($FreezeAfterInspects -ge 0) { $arguments += '--freeze-after-inspects', $FreezeAfterInspects }
    Start-TestEngineProcess -ArgumentList $arguments -What 'the fake engine'
}

<#
.SYNOPSIS
    Stops an engine from Start-TestEngine: closing its standard input makes the starter stop dockerd and the registry.
#>
function Stop-TestEngine {
    param([Parameter(ValueFromPipeline)] $Engine)
    process {
        if ($null -eq $Engine -or -not $Engine.PSObject.Properties['Process']) { return }
        $Engine.Process.StandardInput.Close()
        if (-not $Engine.Process.WaitForExit(60000)) {
            $Engine.Process.Kill($true)
        }

        $Engine.Process.Dispose()
    }
}

<#
.SYNOPSIS
    Runs the docker CLI against a test engine and returns its output; throws with the CLI's message when it fails.
#>
function Invoke-TestDocker {
    param(
        [Parameter(Mandatory)] $Engine,
        [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments
    )

    $saved = $env:DOCKER_HOST
    $env:DOCKER_HOST = $Engine.DockerHost
    try {
        $output = & docker @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "docker $($Arguments -join ' ') failed: $output" }
        $output
    }
    finally {
        $env:DOCKER_HOST = $saved
    }
}

<#
.SYNOPSIS
    Makes a distinct image named Name in a test engine with docker import (no repo digest until pushed); returns its ID.
#>
function New-TestImage {
    param(
        [Parameter(Mandatory)] $Engine,
        [Parameter(Mandatory)] [string] $Name
    )

    Use-TestImageTarball -Name $Name -Import {
        param($tarball)
        (Invoke-TestDocker $Engine import $tarball $Name | Select-Object -Last 1).Trim()
    }
}

# Writes a one-file root filesystem tarball unique to Name (so each import is a distinct image), passes its path to
# the Import script block, returns what that returns, and deletes the tarball.
function Use-TestImageTarball {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [scriptblock] $Import
    )

    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ("itimg-" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $folder
    try {
        Set-Content -LiteralPath (Join-Path $folder 'imgtrack-id') -Value "$Name`n$([guid]::NewGuid())"
        $tarball = Join-Path $folder 'rootfs.tar'
        & tar -C $folder -cf $tarball imgtrack-id
        if ($LASTEXITCODE -ne 0) { throw "tar failed with exit code $LASTEXITCODE." }
        & $Import $tarball
    }
    finally {
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

<#
.SYNOPSIS
    Runs a script file in a fresh pwsh (this same PowerShell) as a scheduled task would: -NoProfile -NonInteractive -File.
    PSModulePath is only the staged module's folder and PowerShell's own modules, so 'Import-Module ImgTrack' by name
    finds the staged module. Returns the exit code and the output lines.
#>
function Invoke-TestScript {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string[]] $ArgumentList = @()
    )

    $pwsh = Get-TestPwshCommand
    $savedModulePath = $env:PSModulePath
    $env:PSModulePath = (Join-Path $script:RepoRoot 'out') + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
    try {
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $Path @ArgumentList 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
    finally {
        $env:PSModulePath = $savedModulePath
    }
}

<#
.SYNOPSIS
    The command line that starts this same PowerShell: @(dotnet, <PSHOME>/pwsh.dll) for the pinned dotnet tool, else @(pwsh).
#>
function Get-TestPwshCommand {
    $process = (Get-Process -Id $PID).Path
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        # 'dotnet pwsh' (the local tool in .config/dotnet-tools.json) runs pwsh.dll from the NuGet cache in this process.
        @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    else {
        @($process)
    }
}

$script:SshFolderPrefix = 'itssh-'

<#
.SYNOPSIS
    Why the SSH remoting tests cannot run on this machine, or $null when they can (or must, in CI).
#>
function Get-TestSshHostSkipReason {
    if ($env:IMGTRACK_REQUIRE_ENGINE -eq '1') { return $null }
    if (-not $IsLinux) { return "SSH remoting tests start Debian's openssh-server, which needs Linux." }
    if (-not (Test-Path -LiteralPath '/usr/sbin/sshd')) {
        return "SSH remoting tests need Debian's openssh-server (/usr/sbin/sshd; apt-get install openssh-server); set IMGTRACK_REQUIRE_ENGINE=1 to fail instead of skipping."
    }
    foreach ($program in 'ssh', 'ssh-keygen') {
        if (-not (Get-Command -Name $program -CommandType Application -ErrorAction SilentlyContinue)) {
            return "SSH remoting tests need $program on PATH (apt-get install openssh-client)."
        }
    }
    if ((& id -u) -ne '0') { return 'SSH remoting tests start sshd, which needs root.' }
    $null
}

<#
.SYNOPSIS
    Starts a private sshd on a free loopback port with PowerShell's SSH subsystem (this same pwsh); stop it with Stop-TestSshHost.
.DESCRIPTION
    Everything lives in a private temp folder: sshd_config, a host key, a client key pair whose public half is the only
    authorized key, the pid file, sshd's log and the subsystem's launcher. sshd runs in the foreground (-D) as a child
    of this process, so it is stopped by its own process ID. Returns the folder, the port, the process and
    InvokeCommandParameters, a hashtable to splat into Invoke-Command or New-PSSession
    (HostName, Port, UserName = root, KeyFilePath, and SSH options that never prompt and never write known_hosts).
#>
function Start-TestSshHost {
    [CmdletBinding()]
    param()

    foreach ($path in '/usr/sbin/sshd', '/usr/bin/ssh-keygen', '/usr/bin/ssh') {
        if (-not (Test-Path -LiteralPath $path)) { throw "The SSH test host needs ${path}: apt-get install openssh-server." }
    }
    if ((& id -u) -ne '0') { throw 'The SSH test host starts sshd, which needs root.' }

    Remove-TestSshHostLeftover

    # sshd refuses to start without its privilege separation directory, which Debian's service unit creates at boot.
    if (-not (Test-Path -LiteralPath '/run/sshd')) { $null = New-Item -ItemType Directory -Path '/run/sshd' }

    $folder = [System.IO.Directory]::CreateTempSubdirectory($script:SshFolderPrefix).FullName
    try {
        Set-Content -LiteralPath (Join-Path $folder 'owner.pid') -Value $PID
        foreach ($key in 'host_ed25519', 'client_ed25519') {
            & ssh-keygen -q -t ed25519 -N '' -C "imgtrack-test-$key" -f (Join-Path $folder $key)
            if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed with exit code $LASTEXITCODE." }
        }
        Copy-Item -LiteralPath (Join-Path $folder 'client_ed25519.pub') -Destination (Join-Path $folder 'authorized_keys')

        # sshd starts the subsystem in a session environment of its own, not this process's: a launcher with absolute paths.
        $launcher = Join-Path $folder 'pwsh-sshs'
        $command = (Get-TestPwshCommand | ForEach-Object { "'{0}'" -f $_ }) -join ' '
        Set-Content -LiteralPath $launcher -Value @(
            '#!/bin/sh'
            'export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off'
            "exec $command -sshs -NoLogo -NoProfile"
        )
        & chmod 0755 $launcher

        $port = Get-FreeTcpPort
        $config = Join-Path $folder 'sshd_config'
        Set-Content -LiteralPath $config -Value @(
            "Port $port"
            'ListenAddress 127.0.0.1'
            "HostKey $folder/host_ed25519"
            "PidFile $folder/sshd.pid"
            "AuthorizedKeysFile $folder/authorized_keys"
            'PubkeyAuthentication yes'
            'PasswordAuthentication no'
            'KbdInteractiveAuthentication no'
            'PermitRootLogin prohibit-password'
            'UsePAM no'
            '# The keys sit under /tmp, which is world-writable: StrictModes would refuse them.'
            'StrictModes no'
            "Subsystem powershell $launcher"
        )

        $start = [System.Diagnostics.ProcessStartInfo]::new('/usr/sbin/sshd')
        foreach ($argument in '-D', '-f', $config, '-E', (Join-Path $folder 'sshd.log')) { $start.ArgumentList.Add($argument) }
        $start.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($start)
        Wait-TestSshHost -Process $process -Port $port -Folder $folder

        [pscustomobject]@{
            Directory               = $folder
            Port                    = $port
            Process                 = $process
            InvokeCommandParameters = @{
                HostName    = '127.0.0.1'
                Port        = $port
                UserName    = 'root'
                KeyFilePath = Join-Path $folder 'client_ed25519'
                Options     = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; BatchMode = 'yes'; LogLevel = 'ERROR' }
            }
        }
    }
    catch {
        if (Get-Variable -Name process -Scope Local -ErrorAction SilentlyContinue) { Stop-TestSshProcess -Process $process }
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
        throw
    }
}

<#
.SYNOPSIS
    Stops an SSH test host from Start-TestSshHost by its process ID and deletes its folder.
#>
function Stop-TestSshHost {
    param([Parameter(ValueFromPipeline)] $SshHost)
    process {
        if ($null -eq $SshHost) { return }
        Stop-TestSshProcess -Process $SshHost.Process
        Remove-Item -LiteralPath $SshHost.Directory -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# Waits until sshd accepts connections and greets with its SSH banner; throws with the tail of its log when it exits.
function Wait-TestSshHost($Process, [int] $Port, [string] $Folder) {
    $deadline = [datetime]::UtcNow.AddSeconds(30)
    while ([datetime]::UtcNow -lt $deadline) {
        if ($Process.HasExited) { break }
        $client = [System.Net.Sockets.TcpClient]::new()
        $client.ReceiveTimeout = 2000
        try {
            $client.Connect('127.0.0.1', $Port)
            $banner = [System.IO.StreamReader]::new($client.GetStream()).ReadLine()
            if ($banner -like 'SSH-2.0-*') { return }
        }
        catch [System.Net.Sockets.SocketException], [System.IO.IOException] { }
        finally { $client.Dispose() }
        Start-Sleep -Milliseconds 100
    }

    $log = Get-Content -LiteralPath (Join-Path $Folder 'sshd.log') -Tail 15 -ErrorAction SilentlyContinue
    $state = if ($Process.HasExited) { "exited with code $($Process.ExitCode)" } else { 'did not answer within 30 s' }
    throw "sshd on 127.0.0.1:$Port $state`: $($log -join "`n")"
}

# SIGTERM first, so sshd closes its listener and removes its pid file; SIGKILL if it is still there after 10 s.
function Stop-TestSshProcess($Process) {
    if ($null -eq $Process) { return }
    if (-not $Process.HasExited) {
        & kill -TERM $Process.Id
        if (-not $Process.WaitForExit(10000)) { $Process.Kill() }
    }
    $Process.Dispose()
}

# Folders of SSH hosts whose test process is gone (a crashed run): stop their sshd by the ID in its pid file, only
# while that process still runs with this folder's config (a reused ID is never hit), and delete the folder.
function Remove-TestSshHostLeftover {
    $temp = [System.IO.Path]::GetTempPath()
    foreach ($folder in Get-ChildItem -LiteralPath $temp -Directory -Filter "$script:SshFolderPrefix*" -ErrorAction SilentlyContinue) {
        $owner = Get-Content -LiteralPath (Join-Path $folder.FullName 'owner.pid') -ErrorAction SilentlyContinue
        if (-not $owner -or (Test-Path -LiteralPath "/proc/$owner")) { continue }
        $sshd = Get-Content -LiteralPath (Join-Path $folder.FullName 'sshd.pid') -ErrorAction SilentlyContinue
        if ($sshd) {
            $commandLine = Get-Content -LiteralPath "/proc/$sshd/cmdline" -Raw -ErrorAction SilentlyContinue
            if ($commandLine -and $commandLine.Contains((Join-Path $folder.FullName 'sshd_config'))) { & kill -TERM $sshd }
        }
        Remove-Item -LiteralPath $folder.FullName -Recurse -Force -ErrorAction SilentlyContinue
    }
}

<#
.SYNOPSIS
    Why the Podman tests cannot run on this machine, or $null when they can (or must, in CI).
#>
function Get-TestPodmanSkipReason {
    $line = & dotnet (Get-TestEngineAssembly) --podman --check
    if ($LASTEXITCODE -ne 0) { throw "ImgTrack.TestEngine --podman --check failed with exit code $LASTEXITCODE." }
    ($line | ConvertFrom-Json).Unavailable
}

<#
.SYNOPSIS
    Starts a private Podman service (tests/Fixtures/Shared/PodmanFixture.cs) and a registry; stop both with Stop-TestEngine.
    Returns DockerHost (Podman's Docker-compatible socket), RegistryAddress, Directory and PodmanCli (a script that runs
    the podman CLI on the same private store).
#>
function Start-TestPodman {
    [CmdletBinding()]
    param()

    Start-TestEngineProcess -ArgumentList @((Get-TestEngineAssembly), '--podman') -What 'Podman'
}

<#
.SYNOPSIS
    Runs the podman CLI on a test Podman's private store and returns its output; throws with its message when it fails.
#>
function Invoke-TestPodman {
    param(
        [Parameter(Mandatory)] $Podman,
        [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments
    )

    $output = & $Podman.PodmanCli @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "podman $($Arguments -join ' ') failed: $output" }
    $output
}

<#
.SYNOPSIS
    Makes a distinct image named Name in a test Podman with podman import; returns its ID (sha256:...).
#>
function New-TestPodmanImage {
    param(
        [Parameter(Mandatory)] $Podman,
        [Parameter(Mandatory)] [string] $Name
    )

    Use-TestImageTarball -Name $Name -Import {
        param($tarball)
        $id = (Invoke-TestPodman $Podman import --quiet $tarball $Name | Select-Object -Last 1).Trim()
        if ($id -notlike 'sha256:*') { $id = "sha256:$id" }
        $id
    }
}

<#
.SYNOPSIS
    Pushes an OCI image index with one tiny image per platform to Name (host:port/repository:tag, plain HTTP) with
    skopeo copy --all; returns a hashtable of each platform's config digest.
#>
function Publish-TestImageIndex {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string[]] $Platform
    )

    $line = & dotnet (Get-TestEngineAssembly) --push-index $Name @Platform
    if ($LASTEXITCODE -ne 0) { throw "ImgTrack.TestEngine --push-index failed with exit code $LASTEXITCODE." }
    $line | ConvertFrom-Json -AsHashtable
}

<#
.SYNOPSIS
    The repo digest a pull of Name (host:port/repository:tag) records, as the plain-HTTP test registry serves it.
#>
function Get-TestRegistryDigest {
    param([Parameter(Mandatory)] [string] $Name)

    $at = $Name.LastIndexOf(':')
    $repository = $Name.Substring(0, $at)
    $slash = $repository.IndexOf('/')
    $accept = 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json'
    $uri = 'http://{0}/v2/{1}/manifests/{2}' -f $repository.Substring(0, $slash), $repository.Substring($slash + 1), $Name.Substring($at + 1)
    $response = Invoke-WebRequest -Method Head -Uri $uri -Headers @{ Accept = $accept -join ', ' } -UseBasicParsing
    '{0}@{1}' -f $repository, @($response.Headers['Docker-Content-Digest'])[0]
}

<#
.SYNOPSIS
    Why the fuzz run (build.ps1 -Task Fuzz) cannot run on this machine, or $null when it can (or must, in CI).
#>
function Get-TestFuzzSkipReason {
    if ($env:IMGTRACK_REQUIRE_ENGINE -eq '1') { return $null }
    if (-not $IsLinux) { return 'The fuzz run uses AFL++, which needs Linux (or WSL).' }
    if (-not (Get-Command -Name 'afl-fuzz' -CommandType Application -ErrorAction SilentlyContinue)) {
        return "The fuzz run needs AFL++'s afl-fuzz (apt-get install afl++); set IMGTRACK_REQUIRE_ENGINE=1 to fail instead of skipping."
    }

    $null
}

<#
.SYNOPSIS
    The fenced block after a marker in README.md (<!-- readme-command: run -->, <!-- readme-example: pin -->), as
    tests/Cmdlets/ImgTrack.PowerShell.Tests/ReadmeExampleTests.cs reads it.
#>
function Get-ReadmeBlock {
    param([Parameter(Mandatory)] [string] $Marker)

    $readme = (Get-Content -Raw -LiteralPath (Join-Path $script:RepoRoot 'README.md')).Replace("`r`n", "`n")
    $at = $readme.IndexOf($Marker, [StringComparison]::Ordinal)
    if ($at -lt 0) { throw "README.md has no marker $Marker." }
    $match = [regex]::new('```[a-z]*\n(.*?)```', 'Singleline').Match($readme, $at)
    if (-not $match.Success) { throw "README.md has no fenced block after $Marker." }
    $match.Groups[1].Value
}

Export-ModuleMember -Function Get-TestEngineSkipReason, Start-TestEngine, Start-TestFakeEngine, Stop-TestEngine, Invoke-TestDocker, New-TestImage,
    Get-TestPwshCommand, Get-TestSshHostSkipReason, Start-TestSshHost, Stop-TestSshHost, Invoke-TestScript,
    Get-TestPodmanSkipReason, Start-TestPodman, Invoke-TestPodman, New-TestPodmanImage, Publish-TestImageIndex, Get-TestRegistryDigest,
    Get-TestFuzzSkipReason, Get-ReadmeBlock
