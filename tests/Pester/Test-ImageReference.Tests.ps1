#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Twin of tests/Cmdlets/ImgTrack.PowerShell.Tests/ReferenceCmdletTests.cs (Test-ImageReference part).

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Test-ImageReference' {
    Context 'Syntax' {
        It 'Should declare System.Boolean as its output type' {
            (Get-Command -Name Test-ImageReference).OutputType.Name | Should -Contain 'System.Boolean'
        }
    }

    Context 'Valid name <_>' -ForEach @('nginx', 'nginx:1.25', 'registry.example.com:5000/team/app:2.1', 'my_registry/app', '[::1]:5000/app') {
        It 'Should return $true' {
            Test-ImageReference -Name $_ | Should -BeTrue
        }
    }

    Context 'Invalid name <_>' -ForEach @('Nginx', 'nginx:', 'my_registry.io/app', '', ('a' * 256)) {
        It 'Should return $false without writing an error' {
            Test-ImageReference -Name $_ -ErrorVariable failures | Should -BeFalse
            $failures.Count | Should -Be 0
        }
    }

    Context 'Pipeline binding' {
        It 'Should answer each name from the pipeline in order' {
            'nginx', 'Nginx' | Test-ImageReference | Should -Be @($true, $false)
        }

        It 'Should bind an Import-Csv column named Image' {
            $path = Join-Path $TestDrive 'images.csv'
            Set-Content -LiteralPath $path -Value @('Image', 'nginx', 'Nginx')
            Import-Csv -LiteralPath $path | Test-ImageReference | Should -Be @($true, $false)
        }
    }
}
