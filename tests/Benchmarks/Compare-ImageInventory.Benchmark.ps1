<#
.SYNOPSIS
    Times Compare-ImageInventory in a real pwsh: 20,000 cluster containers against 50,000 inventory rows from objects
    already in memory, the memory that grows with it, and separately -ClusterPath on the 20,000-container file and
    Import-Csv on the 50,000 rows.
.DESCRIPTION
    Synthetic but shaped like a fleet: 50 servers with 1,000 images each, drawn from 4,000 distinct images (each with
    two repositories' repo digests, as after a push to two repositories); 10,000 pods of two containers whose
    imageIDs mix every form and outcome (containerd's fully qualified repo digest, dockershim's docker-pullable://,
    another repository of the image, a mirror, a bare image ID, a moved tag, an unknown image, a waiting container).
    The inputs are written to a scratch folder, read once (Import-Csv, ConvertFrom-Json), and then each timed run
    compares the same objects. Every figure is the median of -Runs runs, wall and CPU time side by side (the machine
    may be shared: the load average is printed before and after). Memory is the managed heap's growth after a full
    collection while every output row is kept, per input row, at half and at full size: linear growth shows as the
    same bytes per input row. The last line says whether the in-memory case met its 2-second target.
    Run: dotnet pwsh -NoProfile -File tests/Benchmarks/Compare-ImageInventory.Benchmark.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/ImgTrack/ImgTrack.psd1'),
    [int] $Runs = 5
)

$ErrorActionPreference = 'Stop'
Import-Module -Name $ModulePath -Force

function Get-Hex([int] $Number, [int] $Salt) {
    $bytes = [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes("$Salt/$Number"))
    [Convert]::ToHexString($bytes).ToLowerInvariant()
}

# Writes the inventory CSV and the pods JSON for $Servers x $PerServer rows and $Pods pods of two containers.
function New-Inputs([string] $Folder, [int] $Servers, [int] $PerServer, [int] $Distinct, [int] $Pods) {
    $random = [System.Random]::new(15)
    $images = foreach ($i in 0..($Distinct - 1)) {
        [pscustomobject]@{
            Repo = "registry.example.com/team$($i % 40)/app$i"; Other = "registry.example.com/mirror/app$i"
            Digest = 'sha256:' + (Get-Hex $i 1); Id = 'sha256:' + (Get-Hex $i 2); Tag = "1.$($i % 7)"
        }
    }

    $csv = [System.Text.StringBuilder]::new()
    [void]$csv.AppendLine('"Name","Reference","ImageId","RepoDigest","TrackingId","TrackingIdSource","TrackingKey","RepoDigests","RepoTags","ComputerName"')
    foreach ($s in 1..$Servers) {
        foreach ($k in 0..($PerServer - 1)) {
            $image = $images[($s * 7919 + $k * 104729) % $Distinct]
            $name = "$($image.Repo):$($image.Tag)"
            $key = "$($image.Repo)@$($image.Digest)"
            [void]$csv.AppendLine(('"{0}","{0}","{1}","{2}","{2}","RepoDigest","{2}","{2};{3}@{4}","{0};{3}:{5}","srv{6:d3}"' -f $name, $image.Id, $key, $image.Other, $image.Digest, $image.Tag, $s))
        }
    }
    [System.IO.File]::WriteAllText((Join-Path $Folder 'inventory.csv'), $csv.ToString())

    $json = [System.Text.StringBuilder]::new()
    [void]$json.Append('{"apiVersion":"v1","kind":"List","items":[')
    foreach ($p in 0..($Pods - 1)) {
        if ($p -gt 0) { [void]$json.Append(',') }
        $containers = [System.Collections.Generic.List[string]]::new()
        $statuses = [System.Collections.Generic.List[string]]::new()
        foreach ($c in 0..1) {
            $image = $images[$random.Next($Distinct)]
            $spec = "$($image.Repo):$($image.Tag)"
            $roll = $random.Next(100)
            $imageId = if ($roll -lt 60) { "$($image.Repo)@$($image.Digest)" }
                elseif ($roll -lt 70) { 'docker-pullable://' + "$($image.Repo)@$($image.Digest)" }
                elseif ($roll -lt 78) { "$($image.Other)@$($image.Digest)" }
                elseif ($roll -lt 84) { "mirror.example.com/team/app@$($image.Digest)" }
                elseif ($roll -lt 89) { $image.Id }
                elseif ($roll -lt 94) { "$($image.Repo)@sha256:" + (Get-Hex $p 3) }
                elseif ($roll -lt 98) { "registry.example.com/unknown/app$p@sha256:" + (Get-Hex $p 4) }
                else { '' }
            $containers.Add(('{{"name":"c{0}","image":"{1}","resources":{{}},"imagePullPolicy":"IfNotPresent"}}' -f $c, $spec))
            $statuses.Add(('{{"name":"c{0}","image":"{1}","imageID":"{2}","ready":true,"restartCount":0,"state":{{"running":{{"startedAt":"2026-12-01T00:00:00Z"}}}}}}' -f $c, $spec, $imageId))
        }
        [void]$json.Append(('{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"pod{0}","namespace":"ns{1}","labels":{{"app":"a{0}","App":"b{0}"}},"uid":"{2}"}},"spec":{{"nodeName":"node{3}","containers":[{4}]}},"status":{{"phase":"Running","containerStatuses":[{5}]}}}}' -f $p, ($p % 30), [guid]::NewGuid(), ($p % 200), ($containers -join ','), ($statuses -join ',')))
    }
    [void]$json.Append(']}')
    [System.IO.File]::WriteAllText((Join-Path $Folder 'pods.json'), $json.ToString())
}

# Wall time and this process's CPU time (all threads, the GC's included) per run, as medians: on a shared machine the
# wall time moves with the load, the CPU time much less.
function Measure-Median([scriptblock] $Script, [int] $Count) {
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $runs = foreach ($i in 1..$Count) {
        $process.Refresh()
        $cpu = $process.TotalProcessorTime
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        & $Script | Out-Null
        $watch.Stop()
        $process.Refresh()
        [pscustomobject]@{ Wall = $watch.Elapsed.TotalMilliseconds; Cpu = ($process.TotalProcessorTime - $cpu).TotalMilliseconds }
    }
    $wall = @($runs.Wall | Sort-Object)
    $cpuTimes = @($runs.Cpu | Sort-Object)
    $middle = [int][math]::Floor($wall.Count / 2)
    [pscustomobject]@{ Median = [math]::Round($wall[$middle]); Min = [math]::Round($wall[0]); Max = [math]::Round($wall[-1]); Cpu = [math]::Round($cpuTimes[$middle]) }
}

function Measure-Size([string] $Folder, [int] $Servers, [int] $Pods) {
    $inventory = @(Import-Csv -LiteralPath (Join-Path $Folder 'inventory.csv'))
    $list = Get-Content -LiteralPath (Join-Path $Folder 'pods.json') -Raw | ConvertFrom-Json -AsHashtable
    $containers = 2 * $list.items.Count

    # Warm: the first run compiles the cmdlet's code paths.
    Compare-ImageInventory -Inventory $inventory -Cluster $list | Out-Null
    $objects = Measure-Median { Compare-ImageInventory -Inventory $inventory -Cluster $list } $Runs
    $path = Measure-Median { $inventory | Compare-ImageInventory -ClusterPath (Join-Path $Folder 'pods.json') -Status ClusterOnly } $Runs
    $import = Measure-Median { Import-Csv -LiteralPath (Join-Path $Folder 'inventory.csv') } $Runs

    # Managed heap growth while the output is kept: divided by the input rows (inventory rows + containers), the same
    # figure at both sizes shows memory linear in the input.
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $before = [GC]::GetTotalMemory($true)
    $allocated = [GC]::GetTotalAllocatedBytes($true)
    # The first inventory-only row comes once every container was compared, while the comparer's indexes are all
    # alive: the heap then holds the indexes and the rows kept so far, the most this merge holds at once.
    $held = 0
    $rows = @(Compare-ImageInventory -Inventory $inventory -Cluster $list | ForEach-Object {
            if ($held -eq 0 -and $_.Status -eq 'InventoryOnly') { $held = [GC]::GetTotalMemory($true) }
            $_
        })
    $allocated = [GC]::GetTotalAllocatedBytes($true) - $allocated
    $after = [GC]::GetTotalMemory($true)
    if ($held -eq 0) { $held = $after }
    $statuses = $rows | Group-Object Status | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }
    [pscustomobject]@{
        InventoryRows = $inventory.Count
        Containers    = $containers
        Objects       = $objects
        ClusterPath   = $path
        ImportCsv     = $import
        Rows          = $rows.Count
        GrowthMB      = [math]::Round(($after - $before) / 1MB, 1)
        BytesPerInput = [math]::Round(($after - $before) / ($inventory.Count + $containers))
        BytesPerRow   = [math]::Round(($after - $before) / $rows.Count)
        HeldPerInput  = [math]::Round(($held - $before) / ($inventory.Count + $containers))
        AllocatedPerInput = [math]::Round($allocated / ($inventory.Count + $containers))
        Statuses      = $statuses -join ' '
        PodsJsonMB    = [math]::Round((Get-Item (Join-Path $Folder 'pods.json')).Length / 1MB, 1)
    }
}

function Format-Time($Time) {
    'wall {0:n2} s ({1:n2}-{2:n2}), CPU {3:n2} s' -f ($Time.Median / 1000), ($Time.Min / 1000), ($Time.Max / 1000), ($Time.Cpu / 1000)
}

function Get-Load {
    $load = Get-Content -LiteralPath /proc/loadavg -ErrorAction SilentlyContinue
    if ($load) { ($load -split ' ' | Select-Object -First 3) -join ' ' } else { 'unknown' }
}

$root = Join-Path ([System.IO.Path]::GetTempPath()) ('imgtrack-compare-bench-' + [guid]::NewGuid().ToString('N'))
try {
    $loadBefore = Get-Load
    $results = foreach ($size in @(@{ Servers = 25; Pods = 5000 }, @{ Servers = 50; Pods = 10000 })) {
        $folder = Join-Path $root "$($size.Servers)"
        New-Item -ItemType Directory -Path $folder -Force | Out-Null
        New-Inputs -Folder $folder -Servers $size.Servers -PerServer 1000 -Distinct 4000 -Pods $size.Pods
        Measure-Size -Folder $folder -Servers $size.Servers -Pods $size.Pods
    }

    "PowerShell $($PSVersionTable.PSVersion), $([Environment]::ProcessorCount) CPUs; load average (1, 5, 15 min) before: $loadBefore, after: $(Get-Load)"
    "Median of $Runs runs (range of wall times in brackets); CPU is this process's, all threads (GC included)."
    foreach ($r in $results) {
        ''
        '{0:n0} inventory rows x {1:n0} containers ({2} MB pods.json)' -f $r.InventoryRows, $r.Containers, $r.PodsJsonMB
        '  objects in memory     : ' + (Format-Time $r.Objects)
        '  -ClusterPath          : ' + (Format-Time $r.ClusterPath)
        '  Import-Csv alone      : ' + (Format-Time $r.ImportCsv)
        '  managed memory growth : {0} MB for {1:n0} output rows = {2} bytes per input row ({3} per output row)' -f $r.GrowthMB, $r.Rows, $r.BytesPerInput, $r.BytesPerRow
        '  held mid-run          : {0:n0} bytes per input row (indexes and rows kept so far, at the first inventory-only row)' -f $r.HeldPerInput
        '  allocated while running: {0:n0} bytes per input row (all of it, garbage included)' -f $r.AllocatedPerInput
        '  statuses              : ' + $r.Statuses
    }

    # The target: the full size from objects in memory in under 2 s of wall time. On a loaded machine the wall time
    # waits for a CPU, so the CPU time is printed beside it: it is the floor the wall time would reach when idle.
    $full = $results[-1].Objects
    ''
    'Target (50,000 rows x 20,000 containers from objects in memory, under 2 s): wall {0:n2} s {1}; CPU {2:n2} s {3}' -f `
        ($full.Median / 1000), $(if ($full.Median -lt 2000) { 'PASS' } else { 'FAIL' }),
        ($full.Cpu / 1000), $(if ($full.Cpu -lt 2000) { 'PASS' } else { 'FAIL' })
}
finally {
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}
