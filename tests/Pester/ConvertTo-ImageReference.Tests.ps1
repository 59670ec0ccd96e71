#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Twin of tests/Cmdlets/ImgTrack.PowerShell.Tests/ReferenceCmdletTests.cs (ConvertTo-ImageReference part).

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'ConvertTo-ImageReference' {
    Context 'Syntax' {
        It 'Should take -Name at position 0 from the pipeline by value and by property name' {
            $parameter = (Get-Command -Name ConvertTo-ImageReference).Parameters['Name']
            $parameter.ParameterType | Should -Be ([string[]])
            $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
            $attribute.Position | Should -Be 0
            $attribute.Mandatory | Should -BeTrue
            $attribute.ValueFromPipeline | Should -BeTrue
            $attribute.ValueFromPipelineByPropertyName | Should -BeTrue
        }

        It 'Should declare ImgTrack.ImageReference as its output type' {
            (Get-Command -Name ConvertTo-ImageReference).OutputType.Name | Should -Contain 'ImgTrack.ImageReference'
        }
    }

    Context 'Docker normalization of <Name>' -ForEach @(
        @{ Name = 'nginx'; Registry = 'docker.io'; Repository = 'library/nginx'; Tag = 'latest'; FamiliarName = 'nginx'; Reference = 'docker.io/library/nginx:latest' }
        @{ Name = 'index.docker.io/library/nginx:1.25'; Registry = 'docker.io'; Repository = 'library/nginx'; Tag = '1.25'; FamiliarName = 'nginx'; Reference = 'docker.io/library/nginx:1.25' }
        @{ Name = 'team/app:1.0'; Registry = 'docker.io'; Repository = 'team/app'; Tag = '1.0'; FamiliarName = 'team/app'; Reference = 'docker.io/team/app:1.0' }
        @{ Name = 'localhost:5000/team/app'; Registry = 'localhost:5000'; Repository = 'team/app'; Tag = 'latest'; FamiliarName = 'localhost:5000/team/app'; Reference = 'localhost:5000/team/app:latest' }
    ) {
        It 'Should read registry, repository, tag and the canonical reference' {
            $parsed = ConvertTo-ImageReference -Name $Name
            $parsed.Registry | Should -Be $Registry
            $parsed.Repository | Should -Be $Repository
            $parsed.Tag | Should -Be $Tag
            $parsed.FamiliarName | Should -Be $FamiliarName
            $parsed.Reference | Should -Be $Reference
            $parsed.Original | Should -Be $Name
        }
    }

    Context 'Pipeline binding' {
        It 'Should take names by value, in order' {
            $references = 'nginx', 'team/app:1.0' | ConvertTo-ImageReference
            $references.Original | Should -Be @('nginx', 'team/app:1.0')
        }

        It 'Should take names from an Import-Csv column named <_>' -ForEach @('Name', 'Image') {
            $path = Join-Path $TestDrive "names-$_.csv"
            Set-Content -LiteralPath $path -Value @("$_,Owner", 'nginx:1.25,web', 'team/app:1.0,api')
            $references = Import-Csv -LiteralPath $path | ConvertTo-ImageReference
            $references.Tag | Should -Be @('1.25', '1.0')
        }
    }

    Context 'Errors' {
        It 'Should write InvalidImageReference for <_> and go on with the next name' -ForEach @('Nginx', 'nginx:', 'my_registry.io/app') {
            $references = ConvertTo-ImageReference -Name $_, 'nginx' -ErrorAction SilentlyContinue -ErrorVariable failures
            @($references).Count | Should -Be 1
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidImageReference,ImgTrack.Commands.ConvertToImageReferenceCommand'
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failures[0].TargetObject | Should -Be $_
        }

        It 'Should stop only when asked with -ErrorAction Stop' {
            { ConvertTo-ImageReference -Name 'Nginx' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidImageReference,ImgTrack.Commands.ConvertToImageReferenceCommand'
        }

        It 'Should name the rule and the value in the message' {
            ConvertTo-ImageReference -Name 'Nginx' -ErrorAction SilentlyContinue -ErrorVariable failures
            $failures[0].ToString() | Should -Match 'Nginx'
            $failures[0].ToString() | Should -Match 'lowercase'
        }
    }

    Context 'Default table' {
        It 'Should print the table its help shows in Example 5 at <_> columns' -ForEach @(79, 80) {
            $doc = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../../docs/en-US/ConvertTo-ImageReference.md') -Raw
            $example = [regex]::Match($doc, '(?s)### Example 5:.*?```powershell\r?\n(?<code>.*?)```\s*```Output\r?\n(?<output>.*?)```')
            $example.Success | Should -BeTrue
            $printed = & ([scriptblock]::Create($example.Groups['code'].Value)) | Out-String -Width $_
            # Markdown keeps no trailing spaces; the table pads its cells with them.
            $normalize = { param([string] $Text) (($Text -split '\r?\n' | ForEach-Object TrimEnd) -join "`n").Trim("`n") }
            & $normalize $printed | Should -BeExactly (& $normalize $example.Groups['output'].Value)
        }
    }
}
