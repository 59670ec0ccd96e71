#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Get-ImageIdentity -Cri, proven against a real Kubernetes runtime: a private containerd with its CRI plugin
# (tests/Fixtures/Shared/Cri/ContainerdFixture.cs, started through tests/Fixtures/TestSupport), pod sandboxes and containers created
# through the CRI as the kubelet creates them, and each container's ContainerStatus.image_ref: the value the kubelet
# copies into the pod's imageID. These run in real pwsh against the STAGED module on purpose: it ships
# Grpc.Net.Client's netstandard2.0 build, which needs the module's own HTTP/2 handling, while an xUnit project on
# .NET 10 would load the library's net8 build and pass without it.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:criSkipReason = Get-TestContainerdSkipReason
    if ($script:criSkipReason) { Write-Host "Get-ImageIdentity -Cri runtime scenarios skipped: $script:criSkipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    Import-Module -Name (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1') -Force -ErrorAction Stop
    $script:errorSuffix = ',ImgTrack.Commands.GetImageIdentityCommand'
}

AfterAll {
    Remove-Module -Name ImgTrack -Force -ErrorAction SilentlyContinue
}

Describe 'Get-ImageIdentity -Cri' {
    Context 'Syntax' {
        It 'Should have the Cri and CriAll parameter sets with -RuntimeEndpoint' {
            $command = Get-Command -Name Get-ImageIdentity
            $command.ParameterSets.Name | Should -Contain 'Cri'
            $command.ParameterSets.Name | Should -Contain 'CriAll'
            $endpoint = $command.Parameters['RuntimeEndpoint']
            @($endpoint.ParameterSets.Keys | Sort-Object) | Should -Be @('Cri', 'CriAll')
            $name = $command.Parameters['Name'].ParameterSets['Cri']
            $name.Position | Should -Be 0
            $name.ValueFromPipeline | Should -BeTrue
            $name.ValueFromPipelineByPropertyName | Should -BeTrue
        }
    }

    Context 'A run that cannot work, each one terminating error in plain words' {
        It 'Should say that no runtime listens at a socket that does not exist' {
            $err = $null
            try { Get-ImageIdentity -Cri -RuntimeEndpoint 'unix:///nonexistent/imgtrack/containerd.sock' -Name nginx; throw 'no error' } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be "RuntimeEndpointNotFound$script:errorSuffix"
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.Exception.Message | Should -Match 'does not exist'
            $err.Exception.Message | Should -Match ([regex]::Escape('/nonexistent/imgtrack/containerd.sock'))
        }

        It 'Should read CONTAINER_RUNTIME_ENDPOINT and name it as the source' {
            $saved = $env:CONTAINER_RUNTIME_ENDPOINT
            $env:CONTAINER_RUNTIME_ENDPOINT = 'unix:///nonexistent/imgtrack/crio.sock'
            try {
                $err = $null
                try { Get-ImageIdentity -Cri -All; throw 'no error' } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -Be "RuntimeEndpointNotFound$script:errorSuffix"
                $err.Exception.Message | Should -Match 'CONTAINER_RUNTIME_ENDPOINT'
                $err.Exception.Message | Should -Match ([regex]::Escape('/nonexistent/imgtrack/crio.sock'))
            }
            finally { $env:CONTAINER_RUNTIME_ENDPOINT = $saved }
        }

        It 'Should refuse an endpoint that is no socket or pipe' {
            { Get-ImageIdentity -Cri -RuntimeEndpoint 'tcp://127.0.0.1:10010' -Name nginx } |
                Should -Throw -ErrorId "InvalidRuntimeEndpoint$script:errorSuffix"
        }

        It 'Should end the run with RuntimeTimeout when the runtime does not answer within -TimeoutSec' -Skip:($IsWindows) {
            # A socket that takes connections and never answers: a hung runtime.
            $path = "/tmp/itsil-$([guid]::NewGuid().ToString('N').Substring(0, 8)).sock"
            $socket = [System.Net.Sockets.Socket]::new('Unix', 'Stream', 'Unspecified')
            try {
                $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new($path))
                $socket.Listen(4)
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $err = $null
                try { Get-ImageIdentity -Cri -RuntimeEndpoint "unix://$path" -Name nginx -TimeoutSec 1; throw 'no error' } catch { $err = $_ }
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
                $err.FullyQualifiedErrorId | Should -Be "RuntimeTimeout$script:errorSuffix"
                $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
                $err.Exception.Message | Should -Match '-TimeoutSec'
            }
            finally {
                $socket.Dispose()
                Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
            }
        }

        It 'Should leave the file of an Export-Csv downstream untouched when the runtime is missing' {
            $path = Join-Path $TestDrive 'node.csv'
            Set-Content -LiteralPath $path -Value 'yesterday' -NoNewline
            try { Get-ImageIdentity -Cri -All -RuntimeEndpoint 'unix:///nonexistent/imgtrack/containerd.sock' | Export-Csv -LiteralPath $path } catch { $_.FullyQualifiedErrorId | Should -BeLike 'RuntimeEndpointNotFound,*' }
            Get-Content -Raw -LiteralPath $path | Should -BeExactly 'yesterday'
        }
    }

    Context 'A containerd whose CRI plugin is disabled, as Docker ships its own' -Skip:([bool]$script:criSkipReason) {
        BeforeAll {
            $script:plain = Start-TestContainerd -NoCri
        }

        AfterAll {
            $script:plain | Stop-TestEngine
        }

        It 'Should say CriNotServed, naming the config line and the older CRI' {
            $err = $null
            try { Get-ImageIdentity -Cri -RuntimeEndpoint $script:plain.RuntimeEndpoint -Name nginx; throw 'no error' } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be "CriNotServed$script:errorSuffix"
            $err.CategoryInfo.Category | Should -Be 'NotImplemented'
            $err.Exception.Message | Should -Match ([regex]::Escape('disabled_plugins = ["cri"]'))
            $err.Exception.Message | Should -Match 'runtime\.v1alpha2'
            $err.Exception.Message | Should -Match ([regex]::Escape($script:plain.RuntimeEndpoint))
        }
    }

    Context 'A real containerd with pods created through the CRI' -Skip:([bool]$script:criSkipReason) {
        BeforeAll {
            $script:ctd = Start-TestContainerd
            $script:scenario = New-TestClusterScenario -Containerd $script:ctd
            $script:endpoint = $script:ctd.RuntimeEndpoint
            Write-Host "Runtime: $($script:ctd.RuntimeVersion)"
            foreach ($c in $script:scenario.Containers) { Write-Host ('  {0,-13} image_ref {1}' -f $c.Case, $c.ImageRef) }
        }

        AfterAll {
            $script:ctd | Stop-TestEngine
        }

        It 'Should give, for every container, the TrackingKey of the image_ref the kubelet reports' {
            $mismatches = foreach ($c in $script:scenario.Containers) {
                $identity = Get-ImageIdentity -Cri -RuntimeEndpoint $script:endpoint -Name $c.Image -ErrorAction Stop
                $expected = ConvertTo-TrackingKey -Id $c.ImageRef
                if ($identity.TrackingKey -ne $expected) { "$($c.Case): $($identity.TrackingKey) <> $expected" }
            }
            $mismatches | Should -BeNullOrEmpty
            $script:scenario.Containers.Count | Should -Be 8
        }

        It 'Should list with -All every image a container runs, with the same TrackingKey' {
            $all = @(Get-ImageIdentity -Cri -All -RuntimeEndpoint $script:endpoint -ErrorAction Stop)
            foreach ($c in $script:scenario.Containers) {
                $all.TrackingKey | Should -Contain (ConvertTo-TrackingKey -Id $c.ImageRef) -Because $c.Case
            }
            $all.Source | Select-Object -Unique | Should -Be 'Cri'
            $all.ComputerName | Select-Object -Unique | Should -Be $script:scenario.HostName
            @($all | Where-Object { $_.Name -like "*$($script:ctd.RegistryAddress)/imgtrack/pause*" }).Count | Should -Be 1
        }

        It 'Should choose the runtime''s first repo digest for an image in two repositories, not the one asked for' {
            $twoRepos = $script:scenario.Containers | Where-Object Case -EQ 'two repos'
            $identity = Get-ImageIdentity -Cri -RuntimeEndpoint $script:endpoint -Name $twoRepos.Image

            # Recorded here: containerd 1.6 reports the lexically first repository (alpha), though the pod asked for zeta.
            $twoRepos.ImageRef | Should -BeLike "$($script:ctd.RegistryAddress)/alpha/same@sha256:*"
            $identity.RepoDigest | Should -Be $twoRepos.ImageRef
            $identity.Repository | Should -Be 'zeta/same'
            @($identity.RepoDigests.ToString() -split ';').Count | Should -Be 2
            $identity.RepoTags.ToString() -split ';' | Should -Contain "$($script:ctd.RegistryAddress)/alpha/same:1"
            $identity.RepoTags.ToString() -split ';' | Should -Contain "$($script:ctd.RegistryAddress)/zeta/same:1"
        }

        It 'Should give an imported image (no repo digest) its image ID as tracking ID' {
            $imported = $script:scenario.Containers | Where-Object Case -EQ 'imported'
            $identity = Get-ImageIdentity -Cri -RuntimeEndpoint $script:endpoint -Name $imported.Image
            $identity.TrackingIdSource | Should -Be 'ImageId'
            $identity.TrackingId | Should -Be $imported.ImageRef
            $identity.ImageId | Should -Be $imported.ImageRef
        }

        It 'Should answer a name, a short ID and name@digest as the runtime resolves them' {
            $single = $script:scenario.Containers | Where-Object Case -EQ 'single'
            $byName = Get-ImageIdentity -Cri -RuntimeEndpoint $script:endpoint -Name $single.Image
            $byId = Get-ImageIdentity -Cri -RuntimeEndpoint $script:endpoint -Name $byName.ImageId.Substring(7, 12)
            $byDigest = Get-ImageIdentity -Cri -RuntimeEndpoint $script:endpoint -Name $single.ImageRef
            $byId.ImageId | Should -Be $byName.ImageId
            $byDigest.ImageId | Should -Be $byName.ImageId
            $byDigest.TrackingKey | Should -Be $byName.TrackingKey
        }

        It 'Should write ImageNotFound in the place of an image the runtime does not hold, and go on' {
            $single = $script:scenario.Containers | Where-Object Case -EQ 'single'
            $missing = "$($script:ctd.RegistryAddress)/team/never-pulled:1"
            $errors = $null
            $out = @(Get-ImageIdentity -Cri -RuntimeEndpoint $script:endpoint -Name $missing, $single.Image -ErrorVariable errors -ErrorAction SilentlyContinue)
            $out.Count | Should -Be 1
            $out[0].Name | Should -Be $single.Image
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -Be "ImageNotFound$script:errorSuffix"
            $errors[0].TargetObject | Should -Be $missing
        }

        It 'Should export clean CSV cells for runtime identities' {
            $path = Join-Path $TestDrive 'node.csv'
            Get-ImageIdentity -Cri -All -RuntimeEndpoint $script:endpoint | Export-Csv -LiteralPath $path
            $rows = Import-Csv -LiteralPath $path
            $rows.Source | Select-Object -Unique | Should -Be 'Cri'
            (Get-Content -Raw -LiteralPath $path) | Should -Not -Match 'System\.String\[\]'
        }

        It 'Should merge a server inventory with pods as the issue''s table says (<_>)' -ForEach 'live objects', 'Export-Csv and Import-Csv' {
            # The server side: the private dockerd's whole inventory. The cluster side: pods in kubectl's List shape,
            # built from the real CRI container statuses, plus one pod whose container waits.
            $inventory = @(Get-ImageIdentity -All -DockerHost $script:ctd.DockerHost -WarningAction SilentlyContinue -ErrorAction Stop)
            if ($_ -eq 'Export-Csv and Import-Csv') {
                $csv = Join-Path $TestDrive 'inventory.csv'
                $inventory | Export-Csv -LiteralPath $csv -NoTypeInformation
                $inventory = @(Import-Csv -LiteralPath $csv)
            }
            $pods = ConvertTo-TestPodList -Scenario $script:scenario | ConvertFrom-Json
            $server = @($inventory.ComputerName | Select-Object -Unique)
            $server.Count | Should -Be 1

            $rows = @(Compare-ImageInventory -Inventory $inventory -Cluster $pods)
            $byPod = @{}
            foreach ($row in $rows) { if ($row.Pod) { $byPod[$row.Pod] = $row } }
            $expected = @(
                @{ Pod = 'pod-single'; Status = 'Matched'; MatchedBy = 'TrackingKey' }
                @{ Pod = 'pod-two-tags'; Status = 'Matched'; MatchedBy = 'RepoDigest' }
                @{ Pod = 'pod-by-digest'; Status = 'Matched'; MatchedBy = 'TrackingKey' }
                @{ Pod = 'pod-multi'; Status = 'Matched'; MatchedBy = 'TrackingKey' }
                # containerd reports alpha/same (the lexically first repository); the server pulled zeta/same only.
                @{ Pod = 'pod-two-repos'; Status = 'Matched'; MatchedBy = 'Digest' }
                @{ Pod = 'pod-moved-tag'; Status = 'TagMoved'; MatchedBy = $null }
                @{ Pod = 'pod-imported'; Status = 'Matched'; MatchedBy = 'ImageId' }
                @{ Pod = 'pod-cluster-only'; Status = 'ClusterOnly'; MatchedBy = $null }
                @{ Pod = 'pod-waiting'; Status = 'Pending'; MatchedBy = $null }
            )
            $wrong = foreach ($case in $expected) {
                $row = $byPod[$case.Pod]
                $matchedBy = if ($row -and $row.MatchedBy) { [string]$row.MatchedBy } else { $null }
                if (-not $row -or [string]$row.Status -ne $case.Status -or $matchedBy -ne $case.MatchedBy) {
                    "$($case.Pod): expected $($case.Status)/$($case.MatchedBy), got $($row.Status)/$($row.MatchedBy)"
                }
            }
            $wrong | Should -BeNullOrEmpty
            $rows.Count | Should -Be ($expected.Count + @($rows | Where-Object { [string]$_.Status -eq 'InventoryOnly' }).Count)

            foreach ($pod in 'pod-single', 'pod-two-tags', 'pod-imported') { $byPod[$pod].ComputerName | Should -Be $server[0] }
            $byPod['pod-moved-tag'].StaleComputerName | Should -Be $server[0]
            $byPod['pod-single'].Node | Should -Be $script:scenario.HostName
            $byPod['pod-single'].Namespace | Should -Be 'imgtrack'

            $inventoryOnly = @($rows | Where-Object { [string]$_.Status -eq 'InventoryOnly' -and $_.InventoryName -eq $script:scenario.ServerOnly })
            $inventoryOnly.Count | Should -Be 1
            $inventoryOnly[0].ComputerName | Should -Be $server[0]
        }

        It 'Should merge the same from the pods file (-ClusterPath)' {
            $inventory = @(Get-ImageIdentity -All -DockerHost $script:ctd.DockerHost -WarningAction SilentlyContinue -ErrorAction Stop)
            $path = Join-Path $TestDrive 'pods.json'
            ConvertTo-TestPodList -Scenario $script:scenario | Set-Content -LiteralPath $path
            $rows = @(Compare-ImageInventory -Inventory $inventory -ClusterPath $path | Where-Object Pod)
            ($rows | Sort-Object Pod | ForEach-Object { '{0}={1}/{2}' -f $_.Pod, $_.Status, $_.MatchedBy }) -join ' ' |
                Should -Be 'pod-by-digest=Matched/TrackingKey pod-cluster-only=ClusterOnly/ pod-imported=Matched/ImageId pod-moved-tag=TagMoved/ pod-multi=Matched/TrackingKey pod-single=Matched/TrackingKey pod-two-repos=Matched/Digest pod-two-tags=Matched/RepoDigest pod-waiting=Pending/'
        }

        It 'Should match every pod to the node''s own -Cri inventory by TrackingKey' {
            # The node's inventory joins its own pods on the plain key: what the runtime chose is what the pods report.
            $node = @(Get-ImageIdentity -Cri -All -RuntimeEndpoint $script:endpoint -ErrorAction Stop)
            $pods = ConvertTo-TestPodList -Scenario $script:scenario | ConvertFrom-Json
            $rows = @(Compare-ImageInventory -Inventory $node -Cluster $pods | Where-Object { $_.Pod -and $_.Pod -ne 'pod-waiting' })
            $rows.Count | Should -Be $script:scenario.Containers.Count
            ($rows | Where-Object { [string]$_.Status -ne 'Matched' -or ([string]$_.MatchedBy -notin 'TrackingKey', 'ImageId') } | ForEach-Object { "$($_.Pod)=$($_.Status)/$($_.MatchedBy)" }) | Should -BeNullOrEmpty
        }

        It 'Should load gRPC privately from the module''s Dependencies folder' {
            $grpc = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Grpc.Net.Client' }
            @($grpc).Count | Should -Be 1
            $grpc.Location | Should -Be (Join-Path (Split-Path (Get-Module ImgTrack).Path) 'Dependencies/Grpc.Net.Client.dll')
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($grpc).Name | Should -Be 'ImgTrack'
        }
    }
}
