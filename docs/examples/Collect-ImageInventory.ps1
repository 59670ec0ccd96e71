# Collect-ImageInventory.ps1: an image inventory that never loses the
# last good file. Run it as the task scheduler does:
#   pwsh -NoProfile -NonInteractive -File Collect-ImageInventory.ps1 `
#       -Path D:\Inventory\images.csv
# Exit 0: the inventory was replaced; item failures (a missing name) are
#   logged, and every other image is written.
# Exit 1: the run failed (engine unreachable or gone mid-run, a bad
#   endpoint, no image identified): the old inventory is kept as it was.
# With -Remote -Name the registries are asked instead of the engine; a run
#   in which every name failed identified no image, and exits 1.
[CmdletBinding()]
param(
    # The inventory to replace. The new one is written beside it first.
    [Parameter(Mandatory)] [string] $Path,
    [string] $LogPath = "$Path.log",
    # Names or image IDs; every image of the engine when omitted.
    [string[]] $Name,
    [string] $DockerHost,
    # Ask each name's registry, not the engine (needs -Name).
    [switch] $Remote
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Write-Log([string] $Level, [string] $Text) {
    $line = '{0:o} {1} {2}' -f [datetime]::UtcNow, $Level, $Text
    Add-Content -LiteralPath $LogPath -Value $line
}

$target = [System.IO.Path]::GetFullPath($Path)
$temporary = '{0}.{1}.tmp' -f $target, [guid]::NewGuid().ToString('N')
try {
    Import-Module ImgTrack

    # pwsh -File passes '-Name a,b' as one string; names have no comma.
    $request = @{
        ErrorAction     = 'Continue'
        ErrorVariable   = '+itemErrors'
        WarningAction   = 'SilentlyContinue'
        WarningVariable = '+warnings'
    }
    if ($Name) { $request.Name = @($Name -split ',') }
    elseif ($Remote) { throw '-Remote needs -Name.' }
    else { $request.All = $true }
    if ($DockerHost) { $request.DockerHost = $DockerHost }
    if ($Remote) { $request.Remote = $true }

    # Item failures are collected and logged. A run failure is a
    # terminating error: it jumps to catch, before or after some
    # objects reached the temporary file.
    $itemErrors = @()
    $warnings = @()
    $written = 0
    Get-ImageIdentity @request |
        ForEach-Object { $written++; $_ } |
        Export-Csv -LiteralPath $temporary -NoTypeInformation -Encoding UTF8

    foreach ($warning in $warnings) { Write-Log 'WARNING' $warning }
    foreach ($itemError in $itemErrors) {
        $id = $itemError.FullyQualifiedErrorId
        Write-Log 'ERROR' ('{0}: {1}' -f $id, $itemError)
    }
    if ($written -eq 0) {
        throw 'The run identified no image: there is no inventory to write.'
    }

    Move-Item -LiteralPath $temporary -Destination $target -Force
    $done = '{0} images written to {1}; {2} item errors.'
    Write-Log 'INFO' ($done -f $written, $target, $itemErrors.Count)
    exit 0
}
catch {
    $kept = '{0}: {1} The inventory {2} was kept as it was.'
    Write-Log 'FATAL' ($kept -f $_.FullyQualifiedErrorId, $_, $target)
    exit 1
}
finally {
    Remove-Item -LiteralPath $temporary -Force -ErrorAction SilentlyContinue
}
