#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Twin of tests/Cmdlets/ImgTrack.PowerShell.Tests/ModuleImportTests.cs, CsvContractTests.cs and FormatViewTests.cs:
# the staged module as users import it, its output types, and the CSV contract.

BeforeAll {
    $script:manifest = Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1'
    Import-Module -Name $script:manifest -Force -ErrorAction Stop

    $script:identityColumns = @(
        'Name', 'Reference', 'Registry', 'RegistryHost', 'Port', 'Repository', 'Tag', 'Digest', 'ImageId', 'RepoDigest',
        'TrackingId', 'TrackingIdSource', 'TrackingKey', 'RepoDigests', 'RepoTags', 'Created', 'Os', 'Architecture',
        'Size', 'ComputerName', 'CollectedAt', 'Source', 'RepoDigestSource', 'Platform', 'ManifestDigest', 'MediaType', 'ImageIdKind', 'ConfigDigest')
    $script:referenceColumns = @(
        'Original', 'Registry', 'RegistryHost', 'Port', 'Repository', 'Tag', 'Digest', 'FullName', 'FamiliarName', 'Reference')
    $script:configHex = 'dca5b3e1d2c0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e665a3'
    $script:manifestHex = '7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030'

    # An identity as Get-ImageIdentity writes it, built without an engine: by default for a pushed image with two
    # tags; -NotPushed gives one without a repo digest, and an image ID as -ImageName one without a tag (-All).
    function New-TestIdentity {
        param([string] $ImageName = '127.0.0.1:5000/team/app:1.0', [switch] $NotPushed)
        $parsed = $null
        if ($ImageName -notlike 'sha256:*') { $null = [ImgTrack.ImageReference]::TryParse($ImageName, [ref]$parsed) }
        $created = [ImgTrack.UtcTimestamp]::new([datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc).AddTicks(52951))
        $collected = [ImgTrack.UtcTimestamp]::new([datetime]::new(2024, 3, 5, 14, 7, 9, [DateTimeKind]::Utc))
        if ($NotPushed -or -not $parsed) {
            $id = "sha256:$script:configHex"
            $key = $id
            return [ImgTrack.ImageIdentity]::new($ImageName, $parsed, $id, $null, $id, [ImgTrack.TrackingIdSource]::ImageId, $key,
                [ImgTrack.ValueList]::Empty, [ImgTrack.ValueList]::new([string[]]@($(if ($parsed) { $ImageName }))),
                $created, 'linux', 'amd64', [long]7340032, 'vm', $collected)
        }

        $repoDigest = "$($parsed.FullName)@sha256:$script:manifestHex"
        [ImgTrack.ImageIdentity]::new($ImageName, $parsed, "sha256:$script:configHex", $repoDigest, $repoDigest,
            [ImgTrack.TrackingIdSource]::RepoDigest, $repoDigest,
            [ImgTrack.ValueList]::new([string[]]@($repoDigest, "mirror.example/team/app@sha256:$script:configHex")),
            [ImgTrack.ValueList]::new([string[]]@($ImageName, 'team/app:latest')),
            $created, 'linux', 'amd64', [long]7340032, 'vm', $collected)
    }

    # Renders objects as Out-String does at a console width, as lines without the blank ones around the table.
    function Get-RenderedLine {
        param([object[]] $InputObject, [int] $Width)
        @(($InputObject | Out-String -Width $Width) -split '\r?\n' | Where-Object { $_.Trim() })
    }

    # One column of a rendered table, one string per line below the dashes (a wrapped value spans several lines).
    # Columns start where their run of dashes starts and end one separator before the next column.
    function Get-ColumnCell {
        param([string[]] $Line, [string] $Label)
        $dashes = [array]::FindIndex($Line, [Predicate[string]] { param($l) $l -match '^-+( +-+)*\s*$' })
        $starts = @([regex]::Matches($Line[$dashes], '-+') | ForEach-Object Index)
        $column = [array]::IndexOf(@($Line[$dashes - 1] -split '\s+' | Where-Object { $_ }), $Label)
        foreach ($row in $Line[($dashes + 1)..($Line.Count - 1)]) {
            $start = $starts[$column]
            $end = if ($column + 1 -lt $starts.Count) { $starts[$column + 1] - 1 } else { $row.Length }
            if ($row.Length -le $start) { '' } else { $row.Substring($start, [Math]::Min($end, $row.Length) - $start).Trim() }
        }
    }
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'ImgTrack module' {
    Context 'Import' {
        It 'Should export exactly the four cmdlets and nothing else' {
            $module = Get-Module -Name ImgTrack
            @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @('Compare-ImageInventory', 'ConvertTo-ImageReference', 'ConvertTo-TrackingKey', 'Get-ImageIdentity', 'Test-ImageReference')
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

    Context 'Help for <_>' -ForEach @('ConvertTo-ImageReference', 'Test-ImageReference', 'Get-ImageIdentity', 'ConvertTo-TrackingKey', 'Compare-ImageInventory') {
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
        It 'Should hold Created and CollectedAt as ISO 8601 UTC text that compares with dates after a [datetimeoffset] cast' {
            $identity = New-TestIdentity
            $identity.Created | Should -BeOfType [string]
            $identity.Created | Should -BeExactly '2022-11-17T01:39:26.0052951Z'
            $identity.CollectedAt | Should -BeExactly '2024-03-05T14:07:09.0000000Z'
            [datetimeoffset]$identity.Created -lt [datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc) | Should -BeTrue
            ([datetimeoffset]$identity.Created).UtcDateTime | Should -Be ([datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc).AddTicks(52951))
            # Without the cast PowerShell compares text: the reason the help says to cast.
            $identity.Created -lt [datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc) | Should -BeFalse
        }

        It 'Should sort identities by Created in time order' {
            $base = [datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc)
            $identities = foreach ($offset in 0.5, 0, -1) {
                [ImgTrack.ImageIdentity]::new('team/app:1.0', $null, "sha256:$script:configHex", $null, "sha256:$script:configHex",
                    [ImgTrack.TrackingIdSource]::ImageId, "sha256:$script:configHex", [ImgTrack.ValueList]::Empty, [ImgTrack.ValueList]::Empty,
                    [ImgTrack.UtcTimestamp]::new($base.AddSeconds($offset)), 'linux', 'amd64', [long]1, 'vm', [ImgTrack.UtcTimestamp]::Now)
            }
            @($identities | Sort-Object -Property Created | ForEach-Object Created) |
                Should -Be @('2022-11-17T01:39:25.0000000Z', '2022-11-17T01:39:26.0000000Z', '2022-11-17T01:39:26.5000000Z')
        }
    }

    Context 'JSON' {
        It 'Should write dates as the CSV text and TrackingIdSource by name with a plain ConvertTo-Json' {
            $json = New-TestIdentity | ConvertTo-Json
            $object = $json | ConvertFrom-Json -DateKind String
            $object.Created | Should -BeExactly '2022-11-17T01:39:26.0052951Z'
            $object.CollectedAt | Should -BeExactly '2024-03-05T14:07:09.0000000Z'
            $object.TrackingIdSource | Should -BeExactly 'RepoDigest'
            $json | Should -Match '"Created": "2022-11-17T01:39:26\.0052951Z"'
            $json | Should -Match '"TrackingIdSource": "RepoDigest"'
            $json | Should -Not -Match 'UtcDateTime|LocalDateTime'
        }

        It 'Should write the same JSON values as the Export-Csv cells, in the CSV column order' {
            $identity = New-TestIdentity -ImageName 'team/app:1.0' -NotPushed
            $row = $identity | ConvertTo-Csv | ConvertFrom-Csv
            $object = $identity | ConvertTo-Json -Compress | ConvertFrom-Json -DateKind String
            @($object.PSObject.Properties.Name) | Should -Be $script:identityColumns
            foreach ($column in 'TrackingIdSource', 'Created', 'CollectedAt', 'ImageId', 'TrackingKey') {
                $object.$column | Should -BeExactly $row.$column -Because $column
            }
            $object.TrackingIdSource | Should -BeExactly 'ImageId'
            # Lists are JSON arrays (CSV joins them with ;).
            @($object.RepoTags) | Should -Be @('team/app:1.0')
        }

        It 'Should write the same JSON after a remoting round trip' {
            $identity = New-TestIdentity
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($identity, 1))
            $copy | ConvertTo-Json -Compress | Should -BeExactly ($identity | ConvertTo-Json -Compress)
        }

        It 'Should write an unknown Created as null' {
            $identity = [ImgTrack.ImageIdentity]::new("sha256:$script:configHex", $null, "sha256:$script:configHex", $null, "sha256:$script:configHex",
                [ImgTrack.TrackingIdSource]::ImageId, "sha256:$script:configHex", [ImgTrack.ValueList]::Empty, [ImgTrack.ValueList]::Empty,
                $null, 'linux', 'amd64', [long]1, 'vm', [ImgTrack.UtcTimestamp]::Now)
            ($identity | ConvertTo-Json | ConvertFrom-Json).Created | Should -BeNullOrEmpty
            $identity | ConvertTo-Json -Compress | Should -Match '"Created":null'
        }
    }

    Context 'Default views' {
        It 'Should list every identity property in the list view, with full values' {
            $text = New-TestIdentity | Format-List | Out-String -Width 200
            foreach ($column in $script:identityColumns) { $text | Should -Match "(?m)^$column\s*:" }
            $text | Should -Match "(?m)^ImageId\s*: sha256:$script:configHex$"
            $text | Should -Match "(?m)^TrackingId\s*: 127\.0\.0\.1:5000/team/app@sha256:$script:manifestHex$"
            $text | Should -Match '(?m)^Created\s*: 2022-11-17T01:39:26\.0052951Z$'
        }
    }

    Context 'Identity table at <_> columns' -ForEach @(79, 80, 120) {
        # 79: what PowerShell's console host gives a table in an 80-column window; 80 and 120: Out-String -Width.
        BeforeAll {
            $script:fortyCharacterName = 'registry.example.com:5000/team/app:2.1.0'
            $script:identities = @(
                New-TestIdentity
                New-TestIdentity -ImageName $script:fortyCharacterName -NotPushed
                New-TestIdentity -ImageName 'nginx:1.25'
                New-TestIdentity -ImageName '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.0'
                New-TestIdentity -ImageName 'mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim'
                New-TestIdentity -ImageName "sha256:$script:configHex"
            )
            $script:lines = Get-RenderedLine -InputObject $script:identities -Width $_
            # Should -Match takes one string: test the whole table, anchoring on lines with (?m).
            $script:text = $script:lines -join "`n"
        }

        It 'Should keep every line within 79 columns' {
            $script:lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 79 -Because $_ }
        }

        It 'Should show every column header' {
            @($script:lines[0] -split '\s+' | Where-Object { $_ }) | Should -Be @('Repository', 'Tag', 'ImageId', 'TrackingId', 'IdSource')
            @([regex]::Matches($script:lines[1], '-+')).Count | Should -Be 5
        }

        It 'Should show a name whole on one line when its repository fits 35 columns and its tag 6, as a 40-character one' {
            $script:text | Should -Match '(?m)^127\.0\.0\.1:5000/team/app +1\.0 +dca5b3e1d2c0 7b4a2f1e0d9c RepoDigest$'
            $script:fortyCharacterName.Length | Should -Be 40
            $script:text | Should -Match '(?m)^registry\.example\.com:5000/team/app +2\.1\.0 +dca5b3e1d2c0 dca5b3e1d2c0 ImageId$'
            $script:text | Should -Match '(?m)^nginx +1\.25 +dca5b3e1d2c0 7b4a2f1e0d9c RepoDigest$'
            $script:text | Should -Match '(?m)^<none> +<none> +dca5b3e1d2c0 dca5b3e1d2c0 ImageId$'
        }

        It 'Should show image IDs and tracking IDs as 12 hex digits' {
            $script:text | Should -Not -Match '[0-9a-f]{13}'
            @($script:lines | Where-Object { $_ -match 'dca5b3e1d2c0 (7b4a2f1e0d9c|dca5b3e1d2c0) ' }).Count | Should -Be 6
        }

        It 'Should shorten only a repository longer than 35 characters, in its middle' {
            $script:text | Should -Match ('(?m)^123456789012\.dkr\.' + [char]0x2026 + 'naws\.com/team/app 1\.0 ')
            @($script:lines | Where-Object { $_.Contains([char]0x2026) }).Count | Should -Be 1
        }

        It 'Should show a tag longer than its column whole, on the following lines' {
            (Get-ColumnCell -Line $script:lines -Label 'Tag') -join '' | Should -Match '8\.0-bookworm-slim'
        }

        It 'Should look the same for results that came back from remoting' {
            $copies = $script:identities | ForEach-Object { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_, 1)) }
            $copies[0].PSObject.TypeNames | Should -Contain 'Deserialized.ImgTrack.ImageIdentity'
            Get-RenderedLine -InputObject $copies -Width $_ | Should -Be $script:lines
        }
    }

    Context 'Reference table at <_> columns' -ForEach @(79, 80, 120) {
        BeforeAll {
            $script:fortyCharacterName = 'registry.example.com:5000/team/app:2.1.0'
            $script:references = ConvertTo-ImageReference -Name @(
                'nginx'
                '127.0.0.1:5000/team/app:1.0'
                $script:fortyCharacterName
                "team/app@sha256:$script:manifestHex"
                'localhost:5000/platform/team/payments-service:1.0'
                'mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim'
            )
            $script:lines = Get-RenderedLine -InputObject $script:references -Width $_
            $script:text = $script:lines -join "`n"
        }

        It 'Should keep every line within 79 columns' {
            $script:lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 79 -Because $_ }
        }

        It 'Should show every column header' {
            @($script:lines[0] -split '\s+' | Where-Object { $_ }) | Should -Be @('Original', 'Registry', 'Repository', 'Tag', 'Digest')
            @([regex]::Matches($script:lines[1], '-+')).Count | Should -Be 5
        }

        It 'Should show names and their parts whole' {
            $script:text | Should -Match '(?m)^nginx +docker\.io +library/nginx +latest *$'
            $script:text | Should -Match '(?m)^127\.0\.0\.1:5000/team/app:1\.0 +127\.0\.0\.1:5000 +team/app +1\.0 *$'
            # A name wider than the Original column (30) continues on the next line, broken after a separator.
            (Get-ColumnCell -Line $script:lines -Label 'Original') -join '' | Should -Match ([regex]::Escape($script:fortyCharacterName))
            (Get-ColumnCell -Line $script:lines -Label 'Registry') -join '' | Should -Match 'registry\.example\.com:5000'
            (Get-ColumnCell -Line $script:lines -Label 'Tag') -join '' | Should -Match '8\.0-bookworm-slim'
        }

        It 'Should show a digest as 12 hex digits' {
            $script:text | Should -Not -Match '[0-9a-f]{13}'
            $script:text | Should -Match '(?m)^team/app@sha256:7b4a2f1e0d9c +docker\.io +team/app +7b4a2f1e0d9c$'
        }

        It 'Should shorten only a repository longer than 13 characters, in its middle' {
            $script:text | Should -Match (' platfo' + [char]0x2026 + 'ervice 1\.0')
            @($script:lines | Where-Object { $_.Contains([char]0x2026) }).Count | Should -Be 1
        }
    }
}
