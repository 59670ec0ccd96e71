# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# The platyPS that Docs uses: 0.14.x, whose New-ExternalHelp reads the markdown in docs/en-US. (platyPS 2 previews
# and Microsoft.PowerShell.PlatyPS 1.x have other commands and another markdown schema.)
function Find-PlatyPS {
    Get-Module -ListAvailable -Name platyPS |
        Where-Object { $_.Version -ge [version]'0.14.0' -and $_.Version -lt [version]'1.0' } |
        Sort-Object Version -Descending |
        Select-Object -First 1
}

$PlatyPSInstallHint = "Install-PSResource -Name platyPS -Version 0.14.2 -Scope CurrentUser, or Install-Module -Name platyPS -RequiredVersion 0.14.2 -Scope CurrentUser"

# Docs: PlatyPS 0.14 markdown in docs/en-US to out/ImgTrack/en-US: ImgTrack.dll-Help.xml (the cmdlets' help, from
# the <Verb>-<Noun>.md files) and about_ImgTrack.help.txt (from about_ImgTrack.md). Without platyPS 0.14 the task
# fails: a build that goes on without help would stage, and could ship, a module whose Get-Help shows only syntax.
function Invoke-Docs {
    Assert-StagedModule
    $platyPS = Find-PlatyPS
    if ($null -eq $platyPS) {
        $helpDir = Join-Path $ModuleDir 'en-US'
        $left = if (Test-Path -LiteralPath $helpDir) {
            "the help already in $helpDir was left as it is and may be out of date"
        }
        else {
            'the staged module has no help: Get-Help shows only the syntax of each cmdlet, and about_ImgTrack does not exist'
        }

        throw "Docs stopped: platyPS 0.14 was not found in PSModulePath, so no help was generated; $left. Install platyPS, then run Docs again: $PlatyPSInstallHint."
    }

    New-ModuleHelp -PlatyPS $platyPS -ModuleFolder $ModuleDir
}

# Writes the help of the module staged in $ModuleFolder into its en-US folder with platyPS's New-ExternalHelp.
function New-ModuleHelp {
    param(
        [Parameter(Mandatory)] [psmoduleinfo] $PlatyPS,
        [Parameter(Mandatory)] [string] $ModuleFolder
    )

    # New-ExternalHelp only adds and overwrites: clear the folder so a renamed or removed topic does not linger.
    $helpDir = Join-Path $ModuleFolder 'en-US'
    if (Test-Path -LiteralPath $helpDir) {
        Remove-Item -LiteralPath $helpDir -Recurse -Force
    }

    Import-Module $PlatyPS -ErrorAction Stop
    $null = New-ExternalHelp -Path (Join-Path $RepoRoot 'docs/en-US') -OutputPath $helpDir -Force
    foreach ($file in 'ImgTrack.dll-Help.xml', 'about_ImgTrack.help.txt') {
        if (-not (Test-Path -LiteralPath (Join-Path $helpDir $file))) {
            throw "platyPS $($PlatyPS.Version) did not write $file into $helpDir."
        }
    }

    Write-Host "Help (platyPS $($PlatyPS.Version)): $((Get-ChildItem -LiteralPath $helpDir -File).Name -join ', ') in $helpDir"
}
