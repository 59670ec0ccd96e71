#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Twin of tests/ImgTrack.PowerShell.Tests/ModuleImportTests.cs, CsvContractTests.cs and FormatViewTests.cs:
# the staged module as users import it, its output types, and the CSV contract.

BeforeAll {
    $script:manifest = Join-Path $PSScriptRoot '../out/ImgTrack/ImgTrack.psd1'
    Import-Module -Name $script:manifest -Force -ErrorAction Stop

    $script:identityColumns = @(
        'Name', 'Reference', 'Registry', 'RegistryHost', 'Port', 'Repository', 'Tag', 'Digest', 'ImageId', 'RepoDigest',
        'TrackingId', 'TrackingIdSource', 'TrackingKey', 'RepoDigests', 'RepoTags', 'Created', 'Os', 'Architecture',
        'Size', 'ComputerName', 'CollectedAt')
    $script:referenceColumns = @(
        'Original', 'Registry', 'RegistryHost', 'Port', 'Repository', 'Tag', 'Digest', 'FullName', 'FamiliarName', 'Reference')
    $script:configHex = 'dca5b3e1d2c0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e665a3'
    $script:manifestHex = '7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030'

    # An identity as Get-ImageIdentity writes it for a pushed image with two tags, built without an engine.
    function New-TestIdentity {
        $reference = ConvertTo-ImageReference -Name '127.0.0.1:5000/team/app:1.0'
        $repoDigest = "127.0.0.1:5000/team/app@sha256:$script:manifestHex"
        $created = [ImgTrack.UtcTimestamp]::new([datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc).AddTicks(52951))
        $collected = [ImgTrack.UtcTimestamp]::new([datetime]::new(2024, 3, 5, 14, 7, 9, [DateTimeKind]::Utc))
        [ImgTrack.ImageIdentity]::new('127.0.0.1:5000/team/app:1.0', $reference, "sha256:$script:configHex", $repoDigest, $repoDigest,
            [ImgTrack.TrackingIdSource]::RepoDigest, $repoDigest,
            [ImgTrack.ValueList]::new([string[]]@($repoDigest, "mirror.example/team/app@sha256:$script:configHex")),
            [ImgTrack.ValueList]::new([string[]]@('127.0.0.1:5000/team/app:1.0', 'team/app:latest')),
            $created, 'linux', 'amd64', [long]7340032, 'vm', $collected)
    }
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'ImgTrack module' {
    Context 'Import' {
        It 'Should export exactly the four cmdlets and nothing else' {
            $module = Get-Module -Name ImgTrack
            @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @('ConvertTo-ImageReference', 'ConvertTo-TrackingKey', 'Get-ImageIdentity', 'Test-ImageReference')
            $module.ExportedFunctions.Count | Should -Be 0
            $module.ExportedAliases.Count | Should -Be 0
            $module.ExportedVariables.Count | Should -Be 0
        }

        It 'Should carry a gallery-ready manifest' {
            $manifest = Test-ModuleManifest -Path $script:manifest
            $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
            $manifest.PowerShellVersion | Should -Be ([version]'5.1')
            $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Desktop'
            $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
            $manifest.ProjectUri | Should -Not -BeNullOrEmpty
            $manifest.LicenseUri | Should -Not -BeNullOrEmpty
            $manifest.ReleaseNotes | Should -Not -BeNullOrEmpty
        }

        It 'Should make the output types usable from scripts right after import' {
            [ImgTrack.ImageIdentity] | Should -Not -BeNullOrEmpty
            [ImgTrack.ValueList]::new([string[]]@('a', 'b')).ToString() | Should -Be 'a;b'
        }
    }

    Context 'Help for <_>' -ForEach @('ConvertTo-ImageReference', 'Test-ImageReference', 'Get-ImageIdentity', 'ConvertTo-TrackingKey') {
        It 'Should have a synopsis and at least three examples' {
            $help = Get-Help -Name $_ -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            if (Test-Path -LiteralPath (Join-Path (Split-Path $script:manifest) 'en-US/ImgTrack.dll-Help.xml')) {
                @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
            }
            else {
                Set-ItResult -Skipped -Because 'MAML help is built by ./build.ps1 -Task Docs (platyPS); the markdown itself is checked by HelpDocTests.cs'
            }
        }

        It 'Should read cleanly with Get-Command -Syntax' {
            $syntax = Get-Command -Name $_ -Syntax
            $syntax | Should -Match ([regex]::Escape($_))
            $syntax | Should -Not -Match 'System\.'
        }
    }

    Context 'CSV cleanliness in <_>' -ForEach @('en-US', 'de-DE') {
        BeforeAll {
            $script:savedCulture = [System.Threading.Thread]::CurrentThread.CurrentCulture
            [System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo($_)
        }

        AfterAll {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $script:savedCulture
        }

        It 'Should write ;-joined lists and ISO 8601 UTC dates with Export-Csv' {
            $path = Join-Path $TestDrive "local-$_.csv"
            New-TestIdentity | Export-Csv -LiteralPath $path -NoTypeInformation
            $row = Import-Csv -LiteralPath $path
            $row.RepoDigests | Should -Be "127.0.0.1:5000/team/app@sha256:$script:manifestHex;mirror.example/team/app@sha256:$script:configHex"
            $row.RepoTags | Should -Be '127.0.0.1:5000/team/app:1.0;team/app:latest'
            $row.Created | Should -Be '2022-11-17T01:39:26.0052951Z'
            $row.CollectedAt | Should -Be '2024-03-05T14:07:09.0000000Z'
            Get-Content -LiteralPath $path -Raw | Should -Not -Match 'System\.|ImgTrack\.'
        }

        It 'Should write the same cells after a remoting round trip at depth 1' {
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((New-TestIdentity), 1))
            $path = Join-Path $TestDrive "remote-$_.csv"
            $copy | Export-Csv -LiteralPath $path -NoTypeInformation
            $row = Import-Csv -LiteralPath $path
            $row.RepoTags | Should -Be '127.0.0.1:5000/team/app:1.0;team/app:latest'
            $row.Created | Should -Be '2022-11-17T01:39:26.0052951Z'
            Get-Content -LiteralPath $path -Raw | Should -Not -Match 'System\.|ImgTrack\.'
        }
    }

    Context 'CSV column contract' {
        It 'Should write the ImageIdentity columns in the documented order' {
            $path = Join-Path $TestDrive 'columns.csv'
            New-TestIdentity | Export-Csv -LiteralPath $path -NoTypeInformation
            (Get-Content -LiteralPath $path -TotalCount 1) | Should -Be (($script:identityColumns | ForEach-Object { '"{0}"' -f $_ }) -join ',')
        }

        It 'Should write the ImageReference columns in the documented order' {
            $path = Join-Path $TestDrive 'reference-columns.csv'
            ConvertTo-ImageReference -Name nginx | Export-Csv -LiteralPath $path -NoTypeInformation
            (Get-Content -LiteralPath $path -TotalCount 1) | Should -Be (($script:referenceColumns | ForEach-Object { '"{0}"' -f $_ }) -join ',')
        }
    }

    Context 'Dates in the pipeline' {
        It 'Should compare Created with [datetime] and sort by it' {
            $identity = New-TestIdentity
            $identity.Created -lt [datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc) | Should -BeTrue
            ([datetime]$identity.Created).Kind | Should -Be ([DateTimeKind]::Utc)
            $base = [datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc)
            $sorted = @([ImgTrack.UtcTimestamp]::new($base.AddMilliseconds(500)), [ImgTrack.UtcTimestamp]::new($base)) | Sort-Object
            $sorted[0].ToString() | Should -Be '2022-11-17T01:39:26.0000000Z'
        }
    }

    Context 'Default views' {
        It 'Should show the compact identity table' {
            $text = New-TestIdentity | Format-Table | Out-String
            $text | Should -Match 'Repository\s+Tag\s+TrackingIdSource\s+ImageId\s+TrackingId'
            $text | Should -Match '127\.0\.0\.1:5000/team/app\s+1\.0\s+RepoDigest\s+dca5b3e1d2c0\s+7b4a2f1e0d9c'
        }

        It 'Should list every identity property in the list view' {
            $text = New-TestIdentity | Format-List | Out-String
            foreach ($column in $script:identityColumns) { $text | Should -Match "(?m)^$column\s*:" }
        }
    }
}
