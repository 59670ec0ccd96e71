#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Twin in intent of the hosted-engine xUnit tests for Get-ImageIdentity (tests/ImgTrack.PowerShell.Tests) and the
# CSV contract tests. The engine scenario needs DOCKER_HOST pointing at a Docker engine, the docker CLI and tar,
# and a registry in IMGTRACK_TEST_REGISTRY (host:port, e.g. 127.0.0.1:5000) for the pushed-image part.

BeforeDiscovery {
    $script:engineSkipReason = $null
    if (-not $env:DOCKER_HOST) {
        $script:engineSkipReason = 'DOCKER_HOST is not set: point it at a Docker engine to run the engine scenario.'
    }
    elseif (-not (Get-Command -Name docker -CommandType Application -ErrorAction SilentlyContinue)) {
        $script:engineSkipReason = 'the docker CLI is not on PATH.'
    }
    elseif (-not (Get-Command -Name tar -CommandType Application -ErrorAction SilentlyContinue)) {
        $script:engineSkipReason = 'tar is not on PATH (it builds the test image).'
    }

    $script:registrySkipReason = $script:engineSkipReason
    if (-not $script:registrySkipReason -and -not $env:IMGTRACK_TEST_REGISTRY) {
        $script:registrySkipReason = 'IMGTRACK_TEST_REGISTRY (host:port of a registry the engine may push to) is not set.'
    }

    # Context -Skip takes no reason, so say it once here.
    if ($script:engineSkipReason) { Write-Host "Get-ImageIdentity engine scenario skipped: $script:engineSkipReason" }
    elseif ($script:registrySkipReason) { Write-Host "Get-ImageIdentity registry scenario skipped: $script:registrySkipReason" }
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
    $script:missingEngine = if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') { 'npipe:////./pipe/imgtrack_no_such_engine' } else { 'unix:///nonexistent/imgtrack/docker.sock' }

    # Runs the docker CLI and fails the test when it fails.
    function Invoke-Docker {
        $output = & docker @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "docker $($args -join ' ') failed: $output" }
        $output
    }
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Get-ImageIdentity' {
    Context 'Syntax' {
        It 'Should have the Name and All parameter sets with Name as the default' {
            $command = Get-Command -Name Get-ImageIdentity
            $command.DefaultParameterSet | Should -Be 'Name'
            @($command.ParameterSets.Name | Sort-Object) | Should -Be @('All', 'Name')
            $command.OutputType.Name | Should -Contain 'ImgTrack.ImageIdentity'
        }

        It 'Should bind -Name by value and by the property names Name, Image and ImageName' {
            $parameter = (Get-Command -Name Get-ImageIdentity).Parameters['Name']
            $parameter.Aliases | Should -Be @('Image', 'ImageName')
            $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
            $attribute.Position | Should -Be 0
            $attribute.ValueFromPipeline | Should -BeTrue
            $attribute.ValueFromPipelineByPropertyName | Should -BeTrue
        }

        It 'Should refuse -ThrottleLimit <_>' -ForEach @(0, 65) {
            { Get-ImageIdentity -Name nginx -ThrottleLimit $_ } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ImgTrack.Commands.GetImageIdentityCommand'
        }
    }

    Context 'Names that are not image names' {
        It 'Should write InvalidImageReference for each bad name from an Import-Csv Image column, without contacting the engine' {
            $path = Join-Path $TestDrive 'bad.csv'
            Set-Content -LiteralPath $path -Value @('Image,Owner', 'Nginx,web', 'my_registry.io/app,api')
            $identities = Import-Csv -LiteralPath $path | Get-ImageIdentity -DockerHost $script:missingEngine -ErrorAction SilentlyContinue -ErrorVariable failures
            $identities | Should -BeNullOrEmpty
            $failures.FullyQualifiedErrorId | Should -Be @('InvalidImageReference,ImgTrack.Commands.GetImageIdentityCommand', 'InvalidImageReference,ImgTrack.Commands.GetImageIdentityCommand')
            $failures.TargetObject | Should -Be @('Nginx', 'my_registry.io/app')
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
    }

    Context 'An engine that does not answer' {
        It 'Should throw the terminating error EngineUnreachable' {
            { Get-ImageIdentity -Name nginx -DockerHost $script:missingEngine } |
                Should -Throw -ErrorId 'EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand'
        }

        It 'Should report it as a connection error naming the endpoint' {
            try { Get-ImageIdentity -All -DockerHost $script:missingEngine; throw 'no error' }
            catch {
                $_.CategoryInfo.Category | Should -Be 'ConnectionError'
                $_.ToString() | Should -Match ([regex]::Escape($script:missingEngine))
            }
        }
    }

    Context 'An endpoint setting that cannot work' {
        It 'Should throw the terminating error InvalidEngineConfiguration for -DockerHost <_>' -ForEach @('ftp://example.com', 'tcp://') {
            $endpoint = $_
            $thrown = { 'a:1', 'b:1' | Get-ImageIdentity -DockerHost $endpoint } | Should -Throw -ErrorId 'InvalidEngineConfiguration,ImgTrack.Commands.GetImageIdentityCommand' -PassThru
            $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $thrown.Exception.Message | Should -BeLike "*$endpoint*"
        }
    }

    Context 'Engine scenario' -Skip:([bool]$script:engineSkipReason) {
        BeforeAll {
            $script:tag = 'imgtrack-pester/app:{0}' -f ([guid]::NewGuid().ToString('N').Substring(0, 12))
            $rootfs = Join-Path $TestDrive 'rootfs'
            $null = New-Item -ItemType Directory -Path $rootfs
            Set-Content -LiteralPath (Join-Path $rootfs 'hello.txt') -Value $script:tag
            $tarball = Join-Path $TestDrive 'rootfs.tar'
            & tar -C $rootfs -cf $tarball .
            if ($LASTEXITCODE -ne 0) { throw 'tar failed' }
            $null = Invoke-Docker import $tarball $script:tag
            $script:imageId = (Invoke-Docker image inspect --format '{{.Id}}' $script:tag | Select-Object -First 1).Trim()
        }

        AfterAll {
            if ($script:tag) { & docker image rm -f $script:tag 2>&1 | Out-Null }
        }

        It 'Should identify a never-pushed image by its image ID and warn about it' {
            $identity = Get-ImageIdentity -Name $script:tag -WarningVariable warnings -WarningAction SilentlyContinue
            $identity.ImageId | Should -Be $script:imageId
            $identity.TrackingIdSource | Should -Be 'ImageId'
            $identity.TrackingId | Should -Be $script:imageId
            $identity.TrackingKey | Should -Be $script:imageId
            @($identity.RepoDigests).Count | Should -Be 0
            $identity.ComputerName | Should -Not -BeNullOrEmpty
            $warnings.Count | Should -Be 1
            $warnings[0].Message | Should -Match ([regex]::Escape($script:tag))
        }

        It 'Should find the same image by its image ID and by a 12-digit prefix' {
            (Get-ImageIdentity -Name $script:imageId -WarningAction SilentlyContinue).ImageId | Should -Be $script:imageId
            (Get-ImageIdentity -Name $script:imageId.Substring(7, 12) -WarningAction SilentlyContinue).ImageId | Should -Be $script:imageId
        }

        It 'Should list the image with -All' {
            $all = Get-ImageIdentity -All -WarningAction SilentlyContinue
            $all.ImageId | Should -Contain $script:imageId
        }

        It 'Should write ImageNotFound for a name the engine does not have and go on' {
            $identities = Get-ImageIdentity -Name 'imgtrack-pester/missing:none', $script:tag -ErrorAction SilentlyContinue -ErrorVariable failures -WarningAction SilentlyContinue
            @($identities).Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'ImageNotFound,ImgTrack.Commands.GetImageIdentityCommand'
            $failures[0].TargetObject | Should -Be 'imgtrack-pester/missing:none'
        }

        It 'Should export clean CSV cells for real identities' {
            $path = Join-Path $TestDrive 'engine.csv'
            Get-ImageIdentity -Name $script:tag -WarningAction SilentlyContinue | Export-Csv -LiteralPath $path -NoTypeInformation
            $row = Import-Csv -LiteralPath $path
            $row.RepoTags | Should -Match ([regex]::Escape($script:tag))
            $row.Created | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$'
            $row.CollectedAt | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$'
            Get-Content -LiteralPath $path -Raw | Should -Not -Match 'System\.|ImgTrack\.'
        }
    }

    Context 'Engine scenario with a registry' -Skip:([bool]$script:registrySkipReason) {
        BeforeAll {
            $script:pushed = '{0}/imgtrack-pester/app:{1}' -f $env:IMGTRACK_TEST_REGISTRY, ([guid]::NewGuid().ToString('N').Substring(0, 12))
            $rootfs = Join-Path $TestDrive 'rootfs-pushed'
            $null = New-Item -ItemType Directory -Path $rootfs
            Set-Content -LiteralPath (Join-Path $rootfs 'hello.txt') -Value $script:pushed
            $tarball = Join-Path $TestDrive 'rootfs-pushed.tar'
            & tar -C $rootfs -cf $tarball .
            $null = Invoke-Docker import $tarball $script:pushed
            $null = Invoke-Docker push $script:pushed
            $script:repoDigest = (Invoke-Docker image inspect --format '{{index .RepoDigests 0}}' $script:pushed | Select-Object -First 1).Trim()
        }

        AfterAll {
            if ($script:pushed) { & docker image rm -f $script:pushed 2>&1 | Out-Null }
        }

        It 'Should track a pushed image by its repo digest' {
            $identity = Get-ImageIdentity -Name $script:pushed
            $identity.TrackingIdSource | Should -Be 'RepoDigest'
            $identity.RepoDigest | Should -Be $script:repoDigest
            $identity.TrackingId | Should -Be $script:repoDigest
            $identity.TrackingKey | Should -Be (ConvertTo-TrackingKey -Id $script:repoDigest)
        }

        It 'Should keep RepoDigests ;-joined in CSV after a remoting round trip' {
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-ImageIdentity -Name $script:pushed), 1))
            $path = Join-Path $TestDrive 'pushed.csv'
            $copy | Export-Csv -LiteralPath $path -NoTypeInformation
            (Import-Csv -LiteralPath $path).RepoDigests | Should -Be $script:repoDigest
        }
    }
}
