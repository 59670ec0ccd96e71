# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Package: Docs (unless -SkipHelp), then out/ImgTrack.<version>.nupkg from out/ImgTrack with PSResourceGet's
# Compress-PSResource, the packing step of Publish-PSResource without a repository. (PowerShellGet 2's
# Publish-Module cannot be used: it builds a netcoreapp2.0 project, which the .NET 10 SDK refuses, NETSDK1061.)
# The package installs with Install-PSResource or Save-PSResource from any folder or feed it is put in.
function Invoke-Package {
    Assert-StagedModule
    if ($SkipHelp) {
        Write-Warning "-SkipHelp: Docs did not run, so the package holds whatever help is already in $(Join-Path $ModuleDir 'en-US') (none unless Docs ran before)."
    }
    elseif ($null -eq (Find-PlatyPS)) {
        throw "Package stopped: platyPS 0.14 was not found in PSModulePath, and without it the package would ship no help (Get-Help would show only the syntax of each cmdlet). Run again with -SkipHelp to package without generating help, or install platyPS: $PlatyPSInstallHint."
    }
    else {
        Invoke-Docs
    }

    if ($null -eq (Get-Command -Name Compress-PSResource -ErrorAction SilentlyContinue)) {
        throw "Package needs Compress-PSResource from Microsoft.PowerShell.PSResourceGet 1.1 or later, which PowerShell 7.5 and later include (this is PowerShell $($PSVersionTable.PSVersion)). Run build.ps1 in the pinned pwsh ('dotnet tool restore', then 'dotnet pwsh ./build.ps1 ...'), or install it: Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser."
    }

    $version = (Import-PowerShellDataFile -LiteralPath $Manifest).ModuleVersion
    $package = Join-Path $OutDir "ImgTrack.$version.nupkg"
    if (Test-Path -LiteralPath $package) {
        Remove-Item -LiteralPath $package -Force
    }

    Compress-PSResource -Path $ModuleDir -DestinationPath $OutDir
    if (-not (Test-Path -LiteralPath $package)) {
        throw "Compress-PSResource did not write $package."
    }

    Write-Host "Package: $package"
}
