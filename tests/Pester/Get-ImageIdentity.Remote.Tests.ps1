#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Get-ImageIdentity -Remote and -ResolveRepoDigest (issue 9) in real pwsh against the staged module: the twin in intent
# of tests/Cmdlets/ImgTrack.PowerShell.Tests/GetImageIdentityRemoteTests.cs and GetImageIdentityPodmanTests.cs. The engine and
# registry are the tests' own (tests/Fixtures/TestSupport); Podman is a private service of its own. Each skips, saying why, only
# where it cannot run and CI does not demand it.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:engineSkipReason = Get-TestEngineSkipReason
    $script:podmanSkipReason = Get-TestPodmanSkipReason
    if ($script:engineSkipReason) { Write-Host "Get-ImageIdentity -Remote engine scenarios skipped: $script:engineSkipReason" }
    if ($script:podmanSkipReason) { Write-Host "Get-ImageIdentity Podman scenarios skipped: $script:podmanSkipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
    $script:errorSuffix = ',ImgTrack.Commands.GetImageIdentityCommand'
    $script:identityFields = 'ImageId', 'RepoDigest', 'TrackingId', 'TrackingKey', 'TrackingIdSource'
    function New-Unique { [guid]::NewGuid().ToString('N').Substring(0, 10) }

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
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Get-ImageIdentity -Remote' {
    Context 'Syntax' {
        It 'Should have a Remote parameter set that takes names, -Platform, -Credential and -AllowInsecureRegistry' {
            $set = (Get-Command -Name Get-ImageIdentity).ParameterSets | Where-Object Name -EQ 'Remote'
            $set.Parameters.Name | Should -Contain 'Name'
            $set.Parameters.Name | Should -Contain 'Platform'
            $set.Parameters.Name | Should -Contain 'Credential'
            $set.Parameters.Name | Should -Contain 'AllowInsecureRegistry'
            $set.Parameters.Name | Should -Not -Contain 'DockerHost'
            ($set.Parameters | Where-Object Name -EQ 'Remote').IsMandatory | Should -BeTrue
        }

        It 'Should refuse -Platform <_> at binding' -ForEach @('linux', 'linux/arm64/v8/extra', '/amd64') {
            { Get-ImageIdentity -Remote -Name team/app:1 -Platform $_ } |
                Should -Throw -ErrorId "ParameterArgumentValidationError$script:errorSuffix"
        }

        It 'Should refuse -DockerHost with -Remote' {
            { Get-ImageIdentity -Remote -Name team/app:1 -DockerHost unix:///x.sock } |
                Should -Throw -ErrorId "AmbiguousParameterSet$script:errorSuffix"
        }
    }

    Context 'Without an engine' {
        BeforeAll {
            # An endpoint that accepts connections and never answers.
            $script:silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $script:silent.Start()
            $script:silentHost = 'tcp://127.0.0.1:{0}' -f $script:silent.LocalEndpoint.Port
            $script:imageId = 'sha256:' + ('b' * 64)
        }

        AfterAll {
            $script:silent.Stop()
        }

        It 'Should contact no engine at all when -Platform is given' {
            Invoke-WithEnvironment @{ DOCKER_HOST = $script:silentHost } {
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $null = Get-ImageIdentity -Remote -Name $script:imageId -Platform linux/amd64 -ErrorAction SilentlyContinue -ErrorVariable failed
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
                $failed[0].FullyQualifiedErrorId | Should -Be "RemoteNameRequired$script:errorSuffix"
                $script:silent.Pending() | Should -BeFalse
            }
        }

        It "Should take this machine's platform after waiting at most about a second for a silent engine" {
            Invoke-WithEnvironment @{ DOCKER_HOST = $script:silentHost } {
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $verbose = Get-ImageIdentity -Remote -Name $script:imageId -Verbose -ErrorAction SilentlyContinue 4>&1
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
                $line = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Remote identity for platform*' })[0].Message
                $line | Should -BeLike "*this machine's: the engine at $script:silentHost did not answer within 1 s*"
                $machine = if ($IsWindows) { 'windows/' } else { 'linux/' }
                $line | Should -BeLike "Remote identity for platform $machine*"
            }
        }

        It "Should take this machine's platform when there is no engine" {
            Invoke-WithEnvironment @{ DOCKER_HOST = 'unix:///nonexistent/imgtrack/docker.sock' } {
                $verbose = Get-ImageIdentity -Remote -Name $script:imageId -Verbose -ErrorAction SilentlyContinue 4>&1
                @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "*this machine's: no engine*" }).Count | Should -Be 1
            }
        }
    }

    Context 'With an engine and a registry' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            $script:engine = Start-TestEngine
            $script:savedDockerHost = $env:DOCKER_HOST
            $env:DOCKER_HOST = $script:engine.DockerHost

            # A single-platform image pushed by the engine, then removed and pulled, as a server that pulls it has it.
            $script:single = '{0}/pester-remote/single{1}:1.0' -f $script:engine.RegistryAddress, (New-Unique)
            $id = New-TestImage -Engine $script:engine -Name $script:single
            $null = Invoke-TestDocker $script:engine push $script:single
            $null = Invoke-TestDocker $script:engine image rm --force $id
            $null = Invoke-TestDocker $script:engine pull --quiet $script:single
            $script:singleEngine = Get-ImageIdentity -Name $script:single

            # A two-platform OCI index pushed with skopeo copy --all, pulled for linux/amd64.
            $script:multi = '{0}/pester-remote/multi{1}:2.0' -f $script:engine.RegistryAddress, (New-Unique)
            $script:configs = Publish-TestImageIndex -Name $script:multi -Platform 'linux/amd64', 'linux/arm64/v8'
            $null = Invoke-TestDocker $script:engine pull --quiet --platform linux/amd64 $script:multi
            $script:multiEngine = Get-ImageIdentity -Name $script:multi
        }

        AfterAll {
            $env:DOCKER_HOST = $script:savedDockerHost
            Stop-TestEngine $script:engine
        }

        It 'Should equal the engine identity of the pulled image, asked by <_>' -ForEach 'tag', 'digest' {
            $asked = if ($_ -eq 'tag') { $script:single } else { $script:singleEngine.RepoDigest }
            $remote = Get-ImageIdentity -Remote -Name $asked -Platform linux/amd64
            foreach ($field in $script:identityFields) { "$field=$($remote.$field)" | Should -Be "$field=$($script:singleEngine.$field)" }
            $remote.Source | Should -Be 'Registry'
            $remote.RepoDigestSource | Should -Be 'Registry'
            $remote.ImageIdKind | Should -Be 'Config'
            $remote.Size | Should -BeNullOrEmpty
            $remote.ComputerName | Should -BeNullOrEmpty
            @($remote.RepoTags).Count | Should -Be 0
        }

        It 'Should give the index digest and the amd64 config digest for linux/amd64, as the engine after its pull' {
            $remote = Get-ImageIdentity -Remote -Name $script:multi -Platform linux/amd64
            foreach ($field in $script:identityFields) { "$field=$($remote.$field)" | Should -Be "$field=$($script:multiEngine.$field)" }
            $remote.MediaType | Should -Be 'application/vnd.oci.image.index.v1+json'
        }

        It 'Should give the arm64 config digest under the same index digest for -Platform linux/arm64/v8, by tag and by digest' {
            $byTag, $byDigest = Get-ImageIdentity -Remote -Name $script:multi, $script:multiEngine.RepoDigest -Platform linux/arm64/v8
            foreach ($remote in $byTag, $byDigest) {
                $remote.ImageId | Should -Be $script:configs['linux/arm64/v8']
                $remote.RepoDigest | Should -Be $script:multiEngine.RepoDigest
                $remote.TrackingKey | Should -Be $script:multiEngine.TrackingKey
                $remote.Platform | Should -Be 'linux/arm64/v8'
                $remote.Architecture | Should -Be 'arm64'
            }
        }

        It "Should take the local engine's platform by default" {
            $remote = Get-ImageIdentity -Remote -Name $script:multi -Verbose 4>&1
            $line = @($remote | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Remote identity for platform*' })[0].Message
            $line | Should -Be "Remote identity for platform linux/amd64, the platform of the engine at $($script:engine.DockerHost)."
            @($remote | Where-Object { $_ -is [ImgTrack.ImageIdentity] })[0].ImageId | Should -Be $script:configs['linux/amd64']
        }

        It 'Should write ManifestNotFound, RemoteNameRequired and PlatformNotFound in their places and go on' {
            $missing = '{0}/pester-remote/missing{1}:1' -f $script:engine.RegistryAddress, (New-Unique)
            $results = @($script:multi, $missing, $script:singleEngine.ImageId, $script:single |
                Get-ImageIdentity -Remote -Platform linux/arm64 -ErrorAction Continue 2>&1)
            $results.Count | Should -Be 4
            $results[0].ImageId | Should -Be $script:configs['linux/arm64/v8']
            $results[1].FullyQualifiedErrorId | Should -Be "ManifestNotFound$script:errorSuffix"
            $results[1].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $results[2].FullyQualifiedErrorId | Should -Be "RemoteNameRequired$script:errorSuffix"
            $results[3].FullyQualifiedErrorId | Should -Be "PlatformNotFound$script:errorSuffix"
            $results[3].TargetObject | Should -Be $script:single
        }

        It 'Should export a remote identity with clean CSV cells' {
            $path = Join-Path $TestDrive 'remote.csv'
            Get-ImageIdentity -Remote -Name $script:multi -Platform linux/amd64 | Export-Csv -LiteralPath $path -NoTypeInformation
            $row = Import-Csv -LiteralPath $path
            $row.Source | Should -Be 'Registry'
            $row.RepoDigests | Should -Be $script:multiEngine.RepoDigest
            Get-Content -LiteralPath $path -Raw | Should -Not -Match 'System\.|ImgTrack\.'
        }
    }

    Context '-ResolveRepoDigest with an engine and a registry' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            $script:engine = Start-TestEngine
            $script:savedDockerHost = $env:DOCKER_HOST
            $env:DOCKER_HOST = $script:engine.DockerHost
        }

        AfterAll {
            $env:DOCKER_HOST = $script:savedDockerHost
            Stop-TestEngine $script:engine
        }

        It "Should give an image loaded from a tarball its tag's registry digest" {
            $name = '{0}/pester-resolve/loaded{1}:1.0' -f $script:engine.RegistryAddress, (New-Unique)
            $id = New-TestImage -Engine $script:engine -Name $name
            $null = Invoke-TestDocker $script:engine push $name
            $tarball = Join-Path $TestDrive 'loaded.tar'
            $null = Invoke-TestDocker $script:engine save --output $tarball $name
            $null = Invoke-TestDocker $script:engine image rm $name
            $null = Invoke-TestDocker $script:engine load --input $tarball

            (Get-ImageIdentity -Name $name -WarningAction SilentlyContinue).TrackingIdSource | Should -Be 'ImageId'
            $identity = Get-ImageIdentity -Name $name -ResolveRepoDigest -WarningVariable warnings
            $identity.ImageId | Should -Be $id
            $identity.TrackingId | Should -Be (Get-TestRegistryDigest -Name $name)
            $identity.TrackingIdSource | Should -Be 'RepoDigest'
            $identity.RepoDigestSource | Should -Be 'Registry'
            @($identity.RepoDigests).Count | Should -Be 0
            $warnings.Count | Should -Be 0
        }

        It 'Should warn that a tag pushed again with other content has moved on, and keep the image ID' {
            $name = '{0}/pester-resolve/stale{1}:1.0' -f $script:engine.RegistryAddress, (New-Unique)
            $old = New-TestImage -Engine $script:engine -Name $name
            $null = Invoke-TestDocker $script:engine push $name
            $tarball = Join-Path $TestDrive 'stale.tar'
            $null = Invoke-TestDocker $script:engine save --output $tarball $name
            $newer = New-TestImage -Engine $script:engine -Name $name
            $null = Invoke-TestDocker $script:engine push $name
            $null = Invoke-TestDocker $script:engine image rm --force $newer $old
            $null = Invoke-TestDocker $script:engine load --input $tarball

            $identity = Get-ImageIdentity -Name $name -ResolveRepoDigest -WarningVariable warnings -WarningAction SilentlyContinue
            $identity.TrackingId | Should -Be $old
            $identity.TrackingIdSource | Should -Be 'ImageId'
            $warnings.Count | Should -Be 1
            $warnings[0].Message | Should -BeLike "*is stale*$name*$newer*"
        }
    }

    Context 'Podman' -Skip:([bool]$script:podmanSkipReason) {
        BeforeAll {
            $script:podman = Start-TestPodman
        }

        AfterAll {
            Stop-TestEngine $script:podman
        }

        It 'Should track a never-pushed image by its image ID, with the warning, though Podman lists a localhost/ digest' {
            $name = 'pester/never{0}:1.0' -f (New-Unique)
            $id = New-TestPodmanImage -Podman $script:podman -Name $name
            $identity = Get-ImageIdentity -Name $name -DockerHost $script:podman.DockerHost -WarningVariable warnings -WarningAction SilentlyContinue
            @($identity.RepoDigests) | Should -HaveCount 1
            @($identity.RepoDigests)[0] | Should -BeLike "localhost/$($name.Split(':')[0])@sha256:*"
            $identity.RepoDigest | Should -BeNullOrEmpty
            $identity.TrackingId | Should -Be $id
            $identity.TrackingIdSource | Should -Be 'ImageId'
            $warnings.Count | Should -Be 1
            $warnings[0].Message | Should -BeLike "*no repo digest in the engine's records*"
        }

        It 'Should find the registry digest with -ResolveRepoDigest after podman push' {
            $local = 'pester/pushed{0}:1.0' -f (New-Unique)
            $id = New-TestPodmanImage -Podman $script:podman -Name $local
            $name = '{0}/{1}' -f $script:podman.RegistryAddress, $local
            $null = Invoke-TestPodman $script:podman tag $local $name
            $null = Invoke-TestPodman $script:podman push --quiet --tls-verify=false $name
            $registryDigest = Get-TestRegistryDigest -Name $name

            (Get-ImageIdentity -Name $name -DockerHost $script:podman.DockerHost).RepoDigests | Should -Not -Contain $registryDigest
            $identity = Get-ImageIdentity -Name $name -DockerHost $script:podman.DockerHost -ResolveRepoDigest -WarningVariable warnings
            $identity.ImageId | Should -Be $id
            $identity.RepoDigest | Should -Be $registryDigest
            $identity.TrackingIdSource | Should -Be 'RepoDigest'
            $identity.RepoDigestSource | Should -Be 'Registry'
            $warnings.Count | Should -Be 0
        }

        It 'Should warn that a tag pushed again with other content has moved on' {
            $name = '{0}/pester/stale{1}:1.0' -f $script:podman.RegistryAddress, (New-Unique)
            $old = New-TestPodmanImage -Podman $script:podman -Name $name
            $null = Invoke-TestPodman $script:podman push --quiet --tls-verify=false $name
            $newer = New-TestPodmanImage -Podman $script:podman -Name $name
            $null = Invoke-TestPodman $script:podman push --quiet --tls-verify=false $name
            $null = Invoke-TestPodman $script:podman tag $old $name

            $identity = Get-ImageIdentity -Name $name -DockerHost $script:podman.DockerHost -ResolveRepoDigest -WarningVariable warnings -WarningAction SilentlyContinue
            $identity.ImageId | Should -Be $old
            $identity.RepoDigestSource | Should -Not -Be 'Registry'
            $warnings.Count | Should -Be 1
            $warnings[0].Message | Should -BeLike "*is stale*$newer*"
        }
    }
}
