#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Compare-ImageInventory in a real pwsh: what users do with its rows (Export-Csv, ConvertTo-Json, the console table),
# and the inputs they have (Import-Csv inventories, kubectl's file). Binding of every input shape is pinned in
# tests/Cmdlets/ImgTrack.PowerShell.Tests/CompareImageInventoryCmdletTests.cs.

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
    $script:columns = 'Status', 'MatchedBy', 'Namespace', 'Pod', 'Container', 'Node', 'PodImage', 'PodImageId',
        'TrackingKey', 'ComputerName', 'InventoryName', 'InventoryTrackingKey', 'StaleComputerName'
    $script:manifest = 'sha256:7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030'
    $script:old = 'sha256:0eefa899a816bf75b072f1c002a9a6d620d2cde73983fee2380533571eb99d20'
    $script:config = 'sha256:dca5b3e1d2c0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e665a3'

    # Two servers' CSV inventories as Get-ImageIdentity -All | Export-Csv writes them: srv1 holds the image under two
    # repositories (its tracking key names the other one), srv2 an older team/app:2.0, srv3 the image from a mirror.
    $script:inventoryPath = Join-Path $TestDrive 'inventory.csv'
    @(
        [pscustomobject]@{ Name = 'other/app2:v2'; Reference = 'docker.io/other/app2:v2'; ImageId = $script:config
            RepoDigest = "other/app2@$script:manifest"; TrackingId = "other/app2@$script:manifest"; TrackingIdSource = 'RepoDigest'
            TrackingKey = "docker.io/other/app2@$script:manifest"; RepoDigests = "other/app2@$script:manifest;team/app@$script:manifest"
            RepoTags = 'other/app2:v2;team/app:2.0'; ComputerName = 'srv1' }
        [pscustomobject]@{ Name = 'team/app:2.0'; Reference = 'docker.io/team/app:2.0'; ImageId = 'sha256:' + ('e' * 64)
            RepoDigest = "team/app@$script:old"; TrackingId = "team/app@$script:old"; TrackingIdSource = 'RepoDigest'
            TrackingKey = "docker.io/team/app@$script:old"; RepoDigests = "team/app@$script:old"; RepoTags = 'team/app:2.0'; ComputerName = 'srv2' }
        [pscustomobject]@{ Name = 'mirror.example.com/team/app:2.0'; Reference = 'mirror.example.com/team/app:2.0'; ImageId = $script:config
            RepoDigest = "mirror.example.com/team/app@$script:manifest"; TrackingId = "mirror.example.com/team/app@$script:manifest"
            TrackingIdSource = 'RepoDigest'; TrackingKey = "mirror.example.com/team/app@$script:manifest"
            RepoDigests = "mirror.example.com/team/app@$script:manifest"; RepoTags = 'mirror.example.com/team/app:2.0'; ComputerName = 'srv3' }
    ) | Export-Csv -LiteralPath $script:inventoryPath -NoTypeInformation

    $script:podsPath = Join-Path $TestDrive 'pods.json'
    Set-Content -LiteralPath $script:podsPath -Value @"
{"apiVersion":"v1","kind":"List","items":[
 {"metadata":{"namespace":"shop","name":"web-5d8f7c9b4-x2x7q","labels":{"app":"web","App":"Web"}},
  "spec":{"nodeName":"aks-nodepool1-12345678-vmss000000","containers":[{"name":"web","image":"team/app:2.0"}],
          "initContainers":[{"name":"wait-for-database","image":"busybox:1.36"}]},
  "status":{"containerStatuses":[{"name":"web","image":"docker.io/other/app2:v2","imageID":"docker.io/team/app@$script:manifest"}]}},
 {"metadata":{"namespace":"batch","name":"report"},
  "spec":{"nodeName":"node-2","containers":[{"name":"report","image":"team/report:1"}]},
  "status":{"containerStatuses":[{"name":"report","image":"team/report:1","imageID":"docker.io/team/report@sha256:$('5f' * 32)"}]}}
]}
"@
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Compare-ImageInventory' {
    Context 'An Import-Csv inventory against -ClusterPath' {
        BeforeAll {
            $script:rows = @(Import-Csv -LiteralPath $script:inventoryPath | Compare-ImageInventory -ClusterPath $script:podsPath)
        }

        It 'Should write one row per container, then the images no container runs' {
            $script:rows.Status | Should -Be @('Pending', 'Matched', 'ClusterOnly', 'InventoryOnly')
            $script:rows[1].MatchedBy | Should -Be 'RepoDigest'
            @($script:rows[1].ComputerName) | Should -Be @('srv1', 'srv3')
            @($script:rows[1].StaleComputerName) | Should -Be @('srv2')
            $script:rows[1].PodImage | Should -Be 'team/app:2.0'
            $script:rows[0].Container | Should -Be 'wait-for-database'
            @($script:rows[3].ComputerName) | Should -Be @('srv2')
        }

        It 'Should write every column in the contract order with names and ;-joined lists in Export-Csv' {
            $path = Join-Path $TestDrive 'compared.csv'
            $script:rows | Export-Csv -LiteralPath $path -NoTypeInformation
            $header = (Get-Content -LiteralPath $path -TotalCount 1) -replace '"', ''
            $header -split ',' | Should -Be $script:columns
            $back = @(Import-Csv -LiteralPath $path)
            $back[1].Status | Should -Be 'Matched'
            $back[1].MatchedBy | Should -Be 'RepoDigest'
            $back[1].ComputerName | Should -Be 'srv1;srv3'
            $back[1].TrackingKey | Should -Be "docker.io/team/app@$script:manifest"
            $back[0].PodImageId | Should -Be ''
            Get-Content -LiteralPath $path -Raw | Should -Not -Match 'System\.|ValueList'
        }

        It 'Should write Status and MatchedBy as names and the server lists as arrays in a plain ConvertTo-Json' {
            $json = $script:rows[1] | ConvertTo-Json | ConvertFrom-Json
            $json.Status | Should -Be 'Matched'
            $json.MatchedBy | Should -Be 'RepoDigest'
            $json.ComputerName | Should -Be @('srv1', 'srv3')
            ($json.PSObject.Properties.Name) | Should -Be $script:columns
        }
    }

    Context 'The default table at console width <_>' -ForEach @(79, 80) {
        It 'Should fit every line and show every column' {
            $lines = @(($script:rows | Out-String -Width $_) -split '\r?\n' | Where-Object { $_.Trim() })
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 79 }
            $lines[0] -split '\s+' | Where-Object { $_ } | Should -Be @('Status', 'MatchedBy', 'Container', 'Image', 'Servers')
            $lines[2] | Should -Match '^Pending\s+shop/web-…r-database\s+busybox:1.36\s*$'
            $lines[3] | Should -Match '^Matched\s+RepoDigest\s+shop/web-…-x2x7q/web\s+team/app:2.0\s+srv1 \+1$'
            $lines[4] | Should -Match '^ClusterOnly\s+batch/report/report\s+team/report:1\s*$'
            $lines[5] | Should -Match '^InventoryOnly\s+team/app:2.0\s+srv2$'
        }
    }

    Context 'Help example 1, as written' {
        It 'Should print the output the help shows' {
            $doc = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../../docs/en-US/Compare-ImageInventory.md') -Raw
            $example = [regex]::Match($doc, '(?s)### Example 1.*?```powershell\r?\n(?<code>.*?)```\s*```Output\r?\n(?<output>.*?)```')
            $printed = & ([scriptblock]::Create($example.Groups['code'].Value)) | Out-String -Width 80
            ($printed -split '\r?\n' | Where-Object { $_.Trim() }) -join "`n" |
                Should -Be (($example.Groups['output'].Value -split '\r?\n' | Where-Object { $_.Trim() }) -join "`n")
        }
    }
}
