#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Twin of tests/Cmdlets/ImgTrack.PowerShell.Tests/TrackingKeyCmdletTests.cs.

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
    $script:hex = '7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030'
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'ConvertTo-TrackingKey' {
    Context 'Syntax' {
        It 'Should take -Id from the pipeline by value and by property name, with the alias imageID' {
            $parameter = (Get-Command -Name ConvertTo-TrackingKey).Parameters['Id']
            $parameter.Aliases | Should -Contain 'imageID'
            $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
            $attribute.ValueFromPipeline | Should -BeTrue
            $attribute.ValueFromPipelineByPropertyName | Should -BeTrue
        }
    }

    Context 'Kubernetes and Docker form <Form>' -ForEach @(
        @{ Form = 'dockershim repo digest'; Id = 'docker-pullable://nginx@sha256:{0}'; Key = 'docker.io/library/nginx@sha256:{0}' }
        @{ Form = 'containerd repo digest'; Id = 'docker.io/library/nginx@sha256:{0}'; Key = 'docker.io/library/nginx@sha256:{0}' }
        @{ Form = 'Docker familiar repo digest'; Id = 'nginx@sha256:{0}'; Key = 'docker.io/library/nginx@sha256:{0}' }
        @{ Form = 'private registry repo digest'; Id = '127.0.0.1:5000/team/app@sha256:{0}'; Key = '127.0.0.1:5000/team/app@sha256:{0}' }
        @{ Form = 'dockershim image ID'; Id = 'docker://sha256:{0}'; Key = 'sha256:{0}' }
        @{ Form = 'bare image ID'; Id = 'sha256:{0}'; Key = 'sha256:{0}' }
    ) {
        It 'Should give the canonical key' {
            ConvertTo-TrackingKey -Id ($Id -f $script:hex) | Should -Be ($Key -f $script:hex)
        }
    }

    Context 'Pipeline binding' {
        It 'Should bind an Import-Csv column named imageID, as a Kubernetes export has it' {
            $path = Join-Path $TestDrive 'pods.csv'
            Set-Content -LiteralPath $path -Value @('pod,imageID', "web,docker-pullable://nginx@sha256:$script:hex", "job,docker://sha256:$script:hex")
            Import-Csv -LiteralPath $path | ConvertTo-TrackingKey | Should -Be @("docker.io/library/nginx@sha256:$script:hex", "sha256:$script:hex")
        }
    }

    Context 'Errors' {
        It 'Should write InvalidTrackingId for <_> and go on' -ForEach @('not an image id', 'sha256:abc', 'docker-pullable://nginx:latest') {
            $keys = ConvertTo-TrackingKey -Id $_, "sha256:$script:hex" -ErrorAction SilentlyContinue -ErrorVariable failures
            @($keys).Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidTrackingId,ImgTrack.Commands.ConvertToTrackingKeyCommand'
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failures[0].TargetObject | Should -Be $_
        }

        It 'Should throw with -ErrorAction Stop' {
            { ConvertTo-TrackingKey -Id 'not an image id' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidTrackingId,ImgTrack.Commands.ConvertToTrackingKeyCommand'
        }
    }
}
