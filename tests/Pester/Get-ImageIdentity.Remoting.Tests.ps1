#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Get-ImageIdentity over real PowerShell remoting (issue 7, section 5): a private sshd with PowerShell's SSH subsystem
# and a private engine and registry (tests/Fixtures/TestSupport). The fleet recipes are read from about_ImgTrack and run as
# written, except their first stage: the doc's 'Invoke-Command -HostName srv1, srv2 -ScriptBlock
# { Get-ImageIdentity -All }' becomes a call to the test host whose script block imports the staged module by path
# and names the test engine. Outside CI, without root, sshd or the engine, every test skips and says why.

BeforeAll {
    $script:manifest = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1')).Path
    Import-Module -Name $script:manifest -Force -ErrorAction Stop
    Import-Module -Name (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force -ErrorAction Stop

    $script:identityColumns = @(
        'Name', 'Reference', 'Registry', 'RegistryHost', 'Port', 'Repository', 'Tag', 'Digest', 'ImageId', 'RepoDigest',
        'TrackingId', 'TrackingIdSource', 'TrackingKey', 'RepoDigests', 'RepoTags', 'Created', 'Os', 'Architecture',
        'Size', 'ComputerName', 'CollectedAt', 'Source', 'RepoDigestSource', 'Platform', 'ManifestDigest', 'MediaType', 'ImageIdKind', 'ConfigDigest')
    $script:isoUtc = '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$'

    # The pipelines in about_ImgTrack's code blocks that start with Invoke-Command -HostName: the fleet recipes.
    function Get-FleetRecipe {
        $about = @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../../docs/en-US') -Filter 'about_ImgTrack*.md')
        $about.Count | Should -Be 1 -Because 'about_ImgTrack holds the fleet recipe'
        $text = Get-Content -LiteralPath $about[0].FullName -Raw
        foreach ($block in [regex]::Matches($text, '(?ms)^```powershell\r?\n(?<code>.*?)^```')) {
            $tokens = $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($block.Groups['code'].Value, [ref]$tokens, [ref]$errors)
            $ast.FindAll({
                    param($node)
                    $node -is [System.Management.Automation.Language.PipelineAst] -and
                    $node.PipelineElements[0] -is [System.Management.Automation.Language.CommandAst] -and
                    $node.PipelineElements[0].GetCommandName() -eq 'Invoke-Command' -and
                    $node.PipelineElements[0].Extent.Text -match '-HostName\b'
                }, $true)
        }
    }

    # A recipe as a script to run here: its first stage (checked to be the documented one) replaced by the test host.
    function ConvertTo-TestScript([System.Management.Automation.Language.PipelineAst] $Recipe) {
        ($Recipe.PipelineElements[0].Extent.Text -replace '\s+', ' ') |
            Should -BeExactly 'Invoke-Command -HostName srv1, srv2 -ScriptBlock { Get-ImageIdentity -All }'
        $Recipe.PipelineElements[-1].GetCommandName() | Should -Be 'Export-Csv'
        $stages = @('Invoke-Command @remote -ArgumentList $manifest, $dockerHost -ScriptBlock {
    param($manifest, $dockerHost)
    Import-Module -Name $manifest -ErrorAction Stop
    Get-ImageIdentity -All -DockerHost $dockerHost -WarningAction SilentlyContinue
}')
        $stages += $Recipe.PipelineElements | Select-Object -Skip 1 | ForEach-Object { $_.Extent.Text }
        "param(`$remote, `$manifest, `$dockerHost)`n" + ($stages -join " |`n")
    }

    # Read before anything can skip: the doc check runs on every machine.
    $script:recipes = @(Get-FleetRecipe)
    $script:recipes.Count | Should -Be 2 -Because 'about_ImgTrack gives the fleet recipe with and without ImgTrack on the collecting machine'
    $script:withModule = ConvertTo-TestScript ($script:recipes | Where-Object { $_.Extent.Text -notmatch 'ForEach-Object' })
    $script:withoutModule = ConvertTo-TestScript ($script:recipes | Where-Object { $_.Extent.Text -match 'ForEach-Object' })

    $script:skipReason = Get-TestEngineSkipReason
    if (-not $script:skipReason) { $script:skipReason = Get-TestSshHostSkipReason }
    if ($script:skipReason) { return }

    $script:engine = Start-TestEngine
    $script:ssh = Start-TestSshHost

    # A pushed image with two repo digests and two tags, and a never-pushed one (empty RepoDigests).
    $unique = [guid]::NewGuid().ToString('N').Substring(0, 10)
    $script:pushed = '{0}/fleet/a{1}:1.0' -f $script:engine.RegistryAddress, $unique
    $second = '{0}/fleet/b{1}:1.0' -f $script:engine.RegistryAddress, $unique
    $script:pushedId = New-TestImage -Engine $script:engine -Name $script:pushed
    $null = Invoke-TestDocker $script:engine tag $script:pushed $second
    $null = Invoke-TestDocker $script:engine push $script:pushed
    $null = Invoke-TestDocker $script:engine push $second
    $script:repoDigests = (Invoke-TestDocker $script:engine image inspect --format '{{join .RepoDigests ";"}}' $script:pushed | Select-Object -First 1).Trim()
    $null = New-TestImage -Engine $script:engine -Name "fleet/local${unique}:1.0"

    $script:localCsv = Join-Path $TestDrive 'local.csv'
    Get-ImageIdentity -All -DockerHost $script:engine.DockerHost -WarningAction SilentlyContinue | Export-Csv -LiteralPath $script:localCsv -NoTypeInformation
}

AfterAll {
    if (Get-Variable -Name ssh -Scope Script -ErrorAction SilentlyContinue) { $script:ssh | Stop-TestSshHost }
    if (Get-Variable -Name engine -Scope Script -ErrorAction SilentlyContinue) { $script:engine | Stop-TestEngine }
    Remove-Module -Name ImgTrack, ImgTrack.TestSupport -Force -ErrorAction SilentlyContinue
}

Describe 'Get-ImageIdentity over SSH remoting' {
    Context 'The fleet recipes in about_ImgTrack' {
        It 'Should give one recipe with and one without ImgTrack on the collecting machine, each dropping the remoting columns' {
            $script:recipes.Count | Should -Be 2
            foreach ($recipe in $script:recipes) {
                ($recipe.Extent.Text -replace '\s+', ' ') | Should -Match 'Select-Object -Property \* -ExcludeProperty PSComputerName, RunspaceId, PSShowComputerName'
            }
        }
    }

    Context 'Invoke-Command piped straight into Export-Csv' {
        BeforeEach {
            if ($script:skipReason) { Set-ItResult -Skipped -Because $script:skipReason }
        }

        It 'Should write PSComputerName, RunspaceId and PSShowComputerName before the identity columns' {
            $path = Join-Path $TestDrive 'plain.csv'
            $remote = $script:ssh.InvokeCommandParameters
            Invoke-Command @remote -ArgumentList $script:manifest, $script:engine.DockerHost -ScriptBlock {
                param($manifest, $dockerHost)
                Import-Module -Name $manifest -ErrorAction Stop
                Get-ImageIdentity -All -DockerHost $dockerHost -WarningAction SilentlyContinue
            } | Export-Csv -LiteralPath $path -NoTypeInformation

            $header = Get-Content -LiteralPath $path -TotalCount 1
            Write-Host "Invoke-Command | Export-Csv header: $header"
            (Import-Csv -LiteralPath $path)[0].PSObject.Properties.Name |
                Should -Be (@('PSComputerName', 'RunspaceId', 'PSShowComputerName') + $script:identityColumns)
        }
    }

    Context 'The fleet recipe from about_ImgTrack, <_>' -ForEach @('with ImgTrack on the collecting machine', 'without ImgTrack on the collecting machine') {
        BeforeAll {
            if ($script:skipReason) { return }
            $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory -Path $folder
            if ($_ -like 'with *') {
                # This session has ImgTrack imported, as the recipe says.
                Push-Location -LiteralPath $folder
                try {
                    & ([scriptblock]::Create($script:withModule)) $script:ssh.InvokeCommandParameters $script:manifest $script:engine.DockerHost
                }
                finally {
                    Pop-Location
                }
            }
            else {
                # A fresh pwsh that never loads ImgTrack: its types file must not be what joins the lists here.
                $script = Join-Path $folder 'collect.ps1'
                Set-Content -LiteralPath $script -Value @(
                    'param([string] $RemoteJson, [string] $ManifestPath, [string] $DockerHost)'
                    '$ErrorActionPreference = ''Stop'''
                    '$recipe = [scriptblock]::Create((Get-Content -LiteralPath (Join-Path $PSScriptRoot ''recipe.ps1'') -Raw))'
                    '& $recipe (Get-Content -LiteralPath $RemoteJson -Raw | ConvertFrom-Json -AsHashtable) $ManifestPath $DockerHost'
                    'if (Get-Module -Name ImgTrack) { throw ''ImgTrack was loaded in the collecting session.'' }'
                )
                Set-Content -LiteralPath (Join-Path $folder 'recipe.ps1') -Value $script:withoutModule
                $json = Join-Path $folder 'remote.json'
                $script:ssh.InvokeCommandParameters | ConvertTo-Json | Set-Content -LiteralPath $json
                $pwsh = @(Get-TestPwshCommand)
                $pwshArguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-WorkingDirectory', $folder,
                    '-File', $script, '-RemoteJson', $json, '-ManifestPath', $script:manifest, '-DockerHost', $script:engine.DockerHost)
                $output = & $pwsh[0] @pwshArguments 2>&1
                if ($LASTEXITCODE -ne 0) { throw "The collecting pwsh failed ($LASTEXITCODE): $output" }
            }

            $script:fleetCsv = Join-Path $folder 'images.csv'
        }

        BeforeEach {
            if ($script:skipReason) { Set-ItResult -Skipped -Because $script:skipReason }
        }

        It 'Should write exactly the header of a local CSV' {
            $header = Get-Content -LiteralPath $script:fleetCsv -TotalCount 1
            Write-Host "Fleet CSV header ($_): $header"
            $header | Should -BeExactly (Get-Content -LiteralPath $script:localCsv -TotalCount 1)
            $header | Should -BeExactly (($script:identityColumns | ForEach-Object { '"{0}"' -f $_ }) -join ',')
        }

        It 'Should write the cells of a local CSV, CollectedAt aside' {
            $local = @(Import-Csv -LiteralPath $script:localCsv)
            $fleet = @(Import-Csv -LiteralPath $script:fleetCsv)
            $fleet.Count | Should -Be 2
            $fleet.Count | Should -Be $local.Count
            foreach ($row in $fleet) {
                $twin = $local | Where-Object ImageId -EQ $row.ImageId
                foreach ($column in $script:identityColumns -ne 'CollectedAt') {
                    $row.$column | Should -BeExactly $twin.$column -Because "the $column cell of $($row.Name) must not depend on remoting"
                }
            }
        }

        It 'Should write RepoDigests ;-joined and dates as ISO 8601 UTC' {
            $rows = @(Import-Csv -LiteralPath $script:fleetCsv)
            ($rows | Where-Object ImageId -EQ $script:pushedId).RepoDigests | Should -BeExactly $script:repoDigests
            @($script:repoDigests -split ';').Count | Should -Be 2
            $rows.Created | Should -Match $script:isoUtc
            $rows.CollectedAt | Should -Match $script:isoUtc
            Get-Content -LiteralPath $script:fleetCsv -Raw | Should -Not -Match 'System\.|ImgTrack\.|Deserialized'
        }
    }
}
