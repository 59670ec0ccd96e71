# Collect-ImageInventory.ps1: an image inventory that never loses the
# last good file. Run it as the task scheduler does:
#   pwsh -NoProfile -NonInteractive -File Collect-ImageInventory.ps1 `
#       -Path D:\Inventory\images.csv
# Exit 0: the inventory was replaced. An image removed between the list
#   and its inspect (ImageNotFound) is logged; so is, with -Name, a name
#   that stands for no image. Every other image is written.
# Exit 1: the run failed or is incomplete, and the old inventory is kept
#   as it was: the engine unreachable, frozen or gone mid-run, a bad
#   endpoint, an image the engine or registry failed to answer for (with
#   -All, one such image makes the run incomplete), no image identified,
#   or a disk too full for the inventory or the log. The log says why;
#   FATAL also goes to standard error, which the task's record keeps.
# With -Remote -Name the registries are asked instead of the engine.
[CmdletBinding()]
param(
    # The inventory to replace. The new one is written beside it first;
    # a symbolic link stays a link, and the file it points to is replaced.
    [Parameter(Mandatory)] [string] $Path,
    [string] $LogPath = "$Path.log",
    # Names or image IDs; every image of the engine when omitted.
    [string[]] $Name,
    [string] $DockerHost,
    # Ask each name's registry, not the engine (needs -Name).
    [switch] $Remote,
    # Seconds each request may take (the module's default: 60).
    [int] $TimeoutSec
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# No colour codes in redirected output and logs (PowerShell 7.2+).
if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }

# The ImgTrack version this script was tested with. A new version
# installed beside it changes nothing until this line moves.
$moduleVersion = '0.2.0'

# Item errors that are answers, not faults: the image went away between
# the list and its inspect, or (with -Name) the name stands for nothing.
$answers = 'ImageNotFound', 'ManifestNotFound', 'InvalidImageReference',
    'RemoteNameRequired', 'PlatformNotFound'

# Add-Content reports no error when the disk is full; AppendAllText does.
function Write-Log([string] $Level, [string] $Text) {
    $line = '{0:o} {1} {2}' -f [datetime]::UtcNow, $Level, $Text
    [System.IO.File]::AppendAllText($log, $line + [Environment]::NewLine)
}

# FATAL goes to standard error, which reaches the task's record even
# when the log cannot be written, and once to the log.
function Stop-Run([string] $Text) {
    [Console]::Error.WriteLine("FATAL $Text")
    try { Write-Log 'FATAL' $Text }
    catch {
        $lost = 'The log {0} could not be written either: {1}'
        [Console]::Error.WriteLine(($lost -f $log, $_.Exception.Message))
    }
    exit 1
}

# Follows symbolic links to the file that is to be replaced.
function Resolve-Target([string] $File) {
    $session = $ExecutionContext.SessionState.Path
    $full = $session.GetUnresolvedProviderPathFromPSPath($File)
    for ($hop = 0; $hop -lt 32; $hop++) {
        $item = Get-Item -LiteralPath $full -Force -ErrorAction Ignore
        if (-not $item -or $item.LinkType -ne 'SymbolicLink') {
            return $full
        }
        $full = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine(
            [System.IO.Path]::GetDirectoryName($full), @($item.Target)[0]))
    }
    throw "$File`: too many levels of symbolic links."
}

# Each run holds <target>.<id>.lock open, unshared, while it writes
# <target>.<id>.tmp. A lock nobody holds is a killed run's: its files
# are removed. A run still going holds its lock, and its files stay.
function Remove-StaleTemporary([string] $Target) {
    $folder = [System.IO.Path]::GetDirectoryName($Target)
    $leaf = [System.IO.Path]::GetFileName($Target)
    $young = [datetime]::UtcNow.AddMinutes(-1)
    foreach ($stale in Get-ChildItem -LiteralPath $folder -File `
            -Filter "$leaf.*.lock" -ErrorAction Ignore) {
        if ($stale.LastWriteTimeUtc -gt $young) { continue }
        try {
            [System.IO.File]::Open($stale.FullName, 'Open', 'ReadWrite',
                'None').Dispose()
        }
        catch { continue }
        $stem = $stale.FullName.Substring(0, $stale.FullName.Length - 5)
        Remove-Item -LiteralPath "$stem.tmp" -Force -ErrorAction Ignore
        Remove-Item -LiteralPath $stale.FullName -Force
        Write-Log 'INFO' "Removed $stem.tmp, left by a run that was killed."
    }
}

$log = $ExecutionContext.SessionState.Path.
    GetUnresolvedProviderPathFromPSPath($LogPath)
$lock = $null
$temporary = $null
try {
    $target = Resolve-Target $Path
    $stem = '{0}.{1}' -f $target, [guid]::NewGuid().ToString('N')
    $lock = [System.IO.File]::Open("$stem.lock", 'CreateNew', 'ReadWrite',
        'None')
    $temporary = "$stem.tmp"
    Remove-StaleTemporary $target
    Import-Module ImgTrack -RequiredVersion $moduleVersion

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
    if ($TimeoutSec) { $request.TimeoutSec = $TimeoutSec }

    # Item errors are collected and logged. A run failure is a
    # terminating error: it jumps to catch, before or after some
    # objects reached the temporary file.
    $itemErrors = @()
    $warnings = @()
    $written = 0
    Get-ImageIdentity @request |
        ForEach-Object { $written++; $_ } |
        Export-Csv -LiteralPath $temporary -NoTypeInformation -Encoding UTF8

    foreach ($warning in $warnings) { Write-Log 'WARNING' $warning }
    $churn = if ($Name) { $answers } else { 'ImageNotFound' }
    $faults = @()
    foreach ($itemError in $itemErrors) {
        $id = $itemError.FullyQualifiedErrorId
        Write-Log 'ERROR' ('{0}: {1}' -f $id, $itemError)
        $short = $id.Split(',')[0]
        if ($churn -notcontains $short) { $faults += $short }
    }
    if ($faults) {
        $why = ($faults | Group-Object | Sort-Object Count -Descending |
            ForEach-Object { '{0} x{1}' -f $_.Name, $_.Count }) -join ', '
        $total = $written + $itemErrors.Count
        $incomplete = 'The run is incomplete: {0} of {1} images failed' +
            ' ({2}). The inventory {3} was kept as it was.'
        Stop-Run ($incomplete -f $faults.Count, $total, $why, $target)
    }
    if ($written -eq 0) {
        throw 'The run identified no image: there is no inventory to write.'
    }

    $done = 'Replacing {0} with {1} images; {2} item errors.'
    Write-Log 'INFO' ($done -f $target, $written, $itemErrors.Count)
    Move-Item -LiteralPath $temporary -Destination $target -Force
    exit 0
}
catch {
    $failed = '{0}: {1} The inventory {2} was kept as it was.'
    Stop-Run ($failed -f $_.FullyQualifiedErrorId, $_, $Path)
}
finally {
    if ($temporary) {
        Remove-Item -LiteralPath $temporary -Force -ErrorAction Ignore
    }
    if ($lock) {
        $lock.Dispose()
        Remove-Item -LiteralPath $lock.Name -Force -ErrorAction Ignore
    }
}
