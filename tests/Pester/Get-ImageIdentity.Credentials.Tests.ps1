#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Get-ImageIdentity -Remote and the docker CLI's credentials, in real pwsh against the staged module, as a task's log
# records them: a credential helper's secret never reaches a warning or an error, a hanging helper costs -TimeoutSec and
# is named, a docker config that cannot be used is a warning, and -Verbose never names a missing file as the source.
# The registry is a fake that asks for Basic credentials; the helpers are shell scripts (Linux and macOS only).

BeforeDiscovery {
    $script:skipReason = if ($IsWindows) { 'the fake credential helpers are shell scripts' } else { $null }
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
    $script:errorSuffix = ',ImgTrack.Commands.GetImageIdentityCommand'

    # Runs a script block with environment variables set, restoring them after.
    function Invoke-WithEnvironment([hashtable] $Environment, [scriptblock] $Script) {
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try { & $Script }
        finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
    }

    # A docker config folder naming a credential store, with nothing else in it.
    function New-DockerConfig([string] $CredsStore) {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('imgtrack-pester-cfg-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $script:configs += $folder
        if ($CredsStore) { Set-Content -Path (Join-Path $folder 'config.json') -Value ('{"credsStore":"' + $CredsStore + '"}') }
        $folder
    }

    $script:configs = @()
    $script:helpers = Join-Path ([System.IO.Path]::GetTempPath()) ('imgtrack-pester-helpers-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $script:helpers
    $scripts = @{
        'docker-credential-imgtrackpesterleak' = "#!/bin/sh`nread -r server`nprintf '{""ServerURL"":""%s"",""Username"":""u"",""Secret"":""pester-leaked-secret""}' ""`$server""`nexit 1`n"
        'docker-credential-imgtrackpesterhang' = "#!/bin/sh`nsleep 60`n"
    }
    foreach ($name in $scripts.Keys) {
        $path = Join-Path $script:helpers $name
        [System.IO.File]::WriteAllText($path, $scripts[$name])
        chmod 700 $path
    }
    $script:path = $script:helpers + [System.IO.Path]::PathSeparator + $env:PATH

    # A registry that asks every request for Basic credentials.
    $script:listener = [System.Net.HttpListener]::new()
    $port = Get-Random -Minimum 20000 -Maximum 60000
    $script:listener.Prefixes.Add("http://127.0.0.1:$port/")
    $script:listener.Start()
    $script:registry = "127.0.0.1:$port"
    $script:registryJob = Start-ThreadJob -ArgumentList $script:listener -ScriptBlock {
        param($listener)
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $context.Response.StatusCode = 401
            $context.Response.AddHeader('WWW-Authenticate', 'Basic realm="pester"')
            $context.Response.Close()
        }
    }
}

AfterAll {
    if ($script:listener) { $script:listener.Stop() }
    if ($script:registryJob) { $script:registryJob | Remove-Job -Force }
    if ($script:helpers) { Remove-Item -Recurse -Force $script:helpers -ErrorAction SilentlyContinue }
    foreach ($folder in $script:configs) { Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue }
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Get-ImageIdentity -Remote with the docker config''s credentials' -Skip:([bool]$script:skipReason) {
    Context 'A credential helper that misbehaves' {
        It 'Should never quote the stdout of a helper that fails after printing its secret' {
            $config = New-DockerConfig -CredsStore imgtrackpesterleak
            Invoke-WithEnvironment @{ DOCKER_CONFIG = $config; PATH = $script:path } {
                $null = Get-ImageIdentity -Remote -Name "$script:registry/team/app:1" -Platform linux/amd64 -TimeoutSec 20 `
                    -WarningVariable warned -ErrorVariable failed -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
                ($warned | Out-String) | Should -BeLike '*docker-credential-imgtrackpesterleak*'
                ($warned + $failed + ($failed | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue) | Out-String) | Should -Not -BeLike '*pester-leaked-secret*'
            }
        }

        It 'Should stop a hanging helper at -TimeoutSec and name it, not the registry' {
            $config = New-DockerConfig -CredsStore imgtrackpesterhang
            Invoke-WithEnvironment @{ DOCKER_CONFIG = $config; PATH = $script:path } {
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $null = Get-ImageIdentity -Remote -Name "$script:registry/team/app:1" -Platform linux/amd64 -TimeoutSec 3 `
                    -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
                $failed[0].FullyQualifiedErrorId | Should -Be "RegistryUnavailable$script:errorSuffix"
                $failed[0].Exception.Message | Should -BeLike '*docker-credential-imgtrackpesterhang*'
                $failed[0].Exception.Message | Should -Not -BeLike '*did not answer*'
            }
        }
    }

    Context 'A docker config that cannot be used' {
        It 'Should warn when config.json is a folder' {
            $config = New-DockerConfig
            $null = New-Item -ItemType Directory -Path (Join-Path $config 'config.json')
            Invoke-WithEnvironment @{ DOCKER_CONFIG = $config } {
                $null = Get-ImageIdentity -Remote -Name "$script:registry/team/app:1" -Platform linux/amd64 -TimeoutSec 20 `
                    -WarningVariable warned -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
                ($warned | Out-String) | Should -BeLike '*config.json*is a folder*'
            }
        }

        It 'Should say with -Verbose that there are no credentials when there is no config.json' {
            $config = New-DockerConfig
            Invoke-WithEnvironment @{ DOCKER_CONFIG = $config } {
                $verbose = Get-ImageIdentity -Remote -Name "$script:registry/team/app:1" -Platform linux/amd64 -TimeoutSec 20 -Verbose `
                    -ErrorAction SilentlyContinue -WarningAction SilentlyContinue 4>&1
                $line = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Registry credentials from*' })[0].Message
                $line | Should -BeLike '*nowhere (anonymous): there is no docker config at*'
                $line | Should -Not -BeLike "Registry credentials from $(Join-Path $config 'config.json')*"
            }
        }
    }
}
