# Collect-ImageInventory.ps1: a scheduled image inventory that never loses the last good file.
# Run as: pwsh -NoProfile -NonInteractive -File Collect-ImageInventory.ps1 -Path D:\Inventory\images.csv
# Exit 0: the inventory was replaced (item failures such as a missing name are logged, the rest is written).
# Exit 1: the run failed (engine unreachable or gone mid-run, bad endpoint, nothing written): the old file is kept.
[CmdletBinding()]
param(
    # The inventory to replace. The new one is written beside it first.
    [Parameter(Mandatory)] [string] $Path,
    [string] $LogPath = "$Path.log",
    # Names or image IDs to identify; every image of the engine when omitted.
    [string[]] $Name,
    [string] $DockerHost
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Write-Log([string] $Level, [string] $Text) {
    Add-Content -LiteralPath $LogPath -Value ('{0:o} {1} {2}' -f [datetime]::UtcNow, $Level, $Text)
}

$target = [System.IO.Path]::GetFullPath($Path)
$temporary = '{0}.{1}.tmp' -f $target, [guid]::NewGuid().ToString('N')
try {
    Import-Module ImgTrack

    # pwsh -File passes '-Name a,b' as one string; image names never contain a comma.
    $request = if ($Name) { @{ Name = @($Name -split ',') } } else { @{ All = $true } }
    if ($DockerHost) { $request.DockerHost = $DockerHost }

    # Item failures (an invalid or missing name) are collected and logged; a run failure is terminating and jumps
    # to catch, before or after some objects were written to the temporary file.
    $itemErrors = @()
    $warnings = @()
    $written = 0
    Get-ImageIdentity @request -ErrorAction Continue -ErrorVariable +itemErrors -WarningAction SilentlyContinue -WarningVariable +warnings |
        ForEach-Object { $written++; $_ } |
        Export-Csv -LiteralPath $temporary -NoTypeInformation -Encoding UTF8

    foreach ($warning in $warnings) { Write-Log 'WARNING' $warning }
    foreach ($itemError in $itemErrors) { Write-Log 'ERROR' ('{0}: {1}' -f $itemError.FullyQualifiedErrorId, $itemError) }
    if ($written -eq 0) {
        throw 'The run identified no image, so there is no inventory to write.'
    }

    Move-Item -LiteralPath $temporary -Destination $target -Force
    Write-Log 'INFO' ('{0} images written to {1}; {2} item errors.' -f $written, $target, $itemErrors.Count)
    exit 0
}
catch {
    Write-Log 'FATAL' ('{0}: {1} The inventory {2} was kept as it was.' -f $_.FullyQualifiedErrorId, $_, $target)
    exit 1
}
finally {
    Remove-Item -LiteralPath $temporary -Force -ErrorAction SilentlyContinue
}
