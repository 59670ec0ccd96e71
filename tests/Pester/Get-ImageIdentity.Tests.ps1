#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Twin in intent of the hosted-engine xUnit tests for Get-ImageIdentity (tests/Cmdlets/ImgTrack.PowerShell.Tests) and the
# CSV contract tests. The engine scenarios start their own private dockerd and registry (the same fixture as the xUnit
# tests, through tests/Fixtures/TestSupport); they skip, saying why, only where that engine cannot run and CI does not demand it.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:engineSkipReason = Get-TestEngineSkipReason

    # Context -Skip takes no reason, so say it once here.
    if ($script:engineSkipReason) { Write-Host "Get-ImageIdentity engine scenarios skipped: $script:engineSkipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
    $script:missingEngine = if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') { 'npipe:////./pipe/imgtrack_no_such_engine' } else { 'unix:///nonexistent/imgtrack/docker.sock' }
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Get-ImageIdentity' {
    Context 'Syntax' {
        It 'Should have the Name, All and Remote parameter sets with Name as the default' {
            $command = Get-Command -Name Get-ImageIdentity
            $command.DefaultParameterSet | Should -Be 'Name'
            @($command.ParameterSets.Name | Sort-Object) | Should -Be @('All', 'Name', 'Remote')
            $command.OutputType.Name | Should -Contain 'ImgTrack.ImageIdentity'
        }

        It 'Should bind -Name by value and by the property names Name, Image and ImageName in the <_> set' -ForEach 'Name', 'Remote' {
            $parameter = (Get-Command -Name Get-ImageIdentity).Parameters['Name']
            $parameter.Aliases | Should -Be @('Image', 'ImageName')
            $set = $_
            $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ParameterSetName -eq $set }
            $attribute.Position | Should -Be 0
            $attribute.ValueFromPipeline | Should -BeTrue
            $attribute.ValueFromPipelineByPropertyName | Should -BeTrue
        }

        It 'Should refuse -ThrottleLimit <_>' -ForEach @(0, 65) {
            { Get-ImageIdentity -Name nginx -ThrottleLimit $_ } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ImgTrack.Commands.GetImageIdentityCommand'
        }
    }

    Context 'Names that are not image names, with no engine' {
        It 'Should fail the run with EngineUnreachable before reading any input, even when every name is invalid' {
            # On purpose: the engine is contacted before the first input, so that a run that cannot work stops before
            # Export-Csv opens its file. Invalid names against a live engine are item errors (engine scenario below).
            $path = Join-Path $TestDrive 'bad.csv'
            Set-Content -LiteralPath $path -Value @('Image,Owner', 'Nginx,web', 'my_registry.io/app,api')
            { Import-Csv -LiteralPath $path | Get-ImageIdentity -DockerHost $script:missingEngine } |
                Should -Throw -ErrorId 'EngineUnreachable,ImgTrack.Commands.GetImageIdentityCommand'
        }

        It 'Should leave the file of an Export-Csv downstream untouched when the engine is down' {
            $path = Join-Path $TestDrive 'inventory.csv'
            Set-Content -LiteralPath $path -Value 'yesterday' -NoNewline
            try { Get-ImageIdentity -All -DockerHost $script:missingEngine | Export-Csv -LiteralPath $path } catch { $_.FullyQualifiedErrorId | Should -BeLike 'EngineUnreachable,*' }
            Get-Content -Raw -LiteralPath $path | Should -BeExactly 'yesterday'
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
            $script:engine = Start-TestEngine
            $script:savedDockerHost = $env:DOCKER_HOST
            $env:DOCKER_HOST = $script:engine.DockerHost
            $script:tag = 'imgtrack-pester/app:{0}' -f ([guid]::NewGuid().ToString('N').Substring(0, 12))
            $script:imageId = New-TestImage -Engine $script:engine -Name $script:tag
            $script:pushed = '{0}/imgtrack-pester/app:{1}' -f $script:engine.RegistryAddress, ([guid]::NewGuid().ToString('N').Substring(0, 12))
            $null = New-TestImage -Engine $script:engine -Name $script:pushed
            $null = Invoke-TestDocker $script:engine push $script:pushed
            $script:repoDigest = (Invoke-TestDocker $script:engine image inspect --format '{{index .RepoDigests 0}}' $script:pushed | Select-Object -First 1).Trim()
        }

        AfterAll {
            $env:DOCKER_HOST = $script:savedDockerHost
            Stop-TestEngine $script:engine
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

        It 'Should take the name parts of an image found by a <_>-digit ID prefix from its tag' -ForEach @(4, 8) {
            $prefix = $script:imageId.Substring(7, $_)
            $identity = Get-ImageIdentity -Name $prefix -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failures
            if ($failures) { Set-ItResult -Inconclusive -Because "another image shares the prefix $prefix" ; return }
            $identity.Name | Should -Be $prefix
            $identity.ImageId | Should -Be $script:imageId
            $identity.Reference | Should -Be (ConvertTo-ImageReference $script:tag).Reference
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

        It 'Should write one result per input in input order, $null and invalid names included' {
            # Errors merged into the output stream keep their place among the objects.
            $results = @($script:tag, $null, 'Not Valid', '', $script:imageId | Get-ImageIdentity -ErrorAction Continue -WarningAction SilentlyContinue 2>&1)
            $results.Count | Should -Be 5
            $results[0].ImageId | Should -Be $script:imageId
            $results[1].FullyQualifiedErrorId | Should -Be 'InvalidImageReference,ImgTrack.Commands.GetImageIdentityCommand'
            $results[2].FullyQualifiedErrorId | Should -Be 'InvalidImageReference,ImgTrack.Commands.GetImageIdentityCommand'
            $results[2].TargetObject | Should -Be 'Not Valid'
            $results[3].FullyQualifiedErrorId | Should -Be 'InvalidImageReference,ImgTrack.Commands.GetImageIdentityCommand'
            $results[4].ImageId | Should -Be $script:imageId
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

        It 'Should answer a registry port given as -DockerHost with the terminating error EngineProtocolError naming it' {
            $endpoint = 'tcp://{0}' -f $script:engine.RegistryAddress
            $thrown = { Get-ImageIdentity -All -DockerHost $endpoint } | Should -Throw -ErrorId 'EngineProtocolError,ImgTrack.Commands.GetImageIdentityCommand' -PassThru
            $thrown.CategoryInfo.Category | Should -Be 'ProtocolError'
            $thrown.Exception.Message | Should -BeLike "*$endpoint*"
        }
    }
}
