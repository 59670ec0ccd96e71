# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Package: a Release build of the module, staged into out/package/ImgTrack (never out/ImgTrack, the -Configuration
# build the tests use), its help generated there by platyPS 0.14 as Docs does, then out/ImgTrack.<version>.nupkg
# from that folder with PSResourceGet's Compress-PSResource, the packing step of Publish-PSResource without a
# repository. (PowerShellGet 2's Publish-Module cannot be used: it builds a netcoreapp2.0 project, which the .NET 10
# SDK refuses, NETSDK1061.) The package installs with Install-PSResource or Save-PSResource from any folder or feed
# it is put in. Without platyPS it stops before building; -SkipHelp, for tests, packs the module with no help at all.
function Invoke-Package {
    if ($null -eq (Get-Command -Name Compress-PSResource -ErrorAction SilentlyContinue)) {
        throw "Package needs Compress-PSResource from Microsoft.PowerShell.PSResourceGet 1.1 or later, which PowerShell 7.5 and later include (this is PowerShell $($PSVersionTable.PSVersion)). Run build.ps1 in the pinned pwsh ('dotnet tool restore', then 'dotnet pwsh ./build.ps1 ...'), or install it: Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser."
    }

    $platyPS = $null
    if (-not $SkipHelp) {
        $platyPS = Find-PlatyPS
        if ($null -eq $platyPS) {
            throw "Package stopped: platyPS 0.14 was not found in PSModulePath, and without it the package would ship no help (Get-Help would show only the syntax of each cmdlet). Install platyPS: $PlatyPSInstallHint. (For tests only, run again with -SkipHelp to package without help.)"
        }
    }

    if ($Configuration -ne 'Release') {
        Write-Host "Package builds Release (-Configuration $Configuration applies to the other tasks)."
    }

    # A fresh folder each time, so nothing from an earlier package (help above all) can end up in this one.
    $packageRoot = Join-Path $OutDir 'package'
    $packageModule = Join-Path $packageRoot 'ImgTrack'
    if (Test-Path -LiteralPath $packageRoot) {
        Remove-Item -LiteralPath $packageRoot -Recurse -Force
    }

    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', (Join-Path $RepoRoot 'src/ImgTrack/ImgTrack.csproj'), '-c', 'Release', '-nologo',
        "-property:ImgTrackModuleDir=$packageModule/")
    $packageManifest = Join-Path $packageModule 'ImgTrack.psd1'
    if (-not (Test-Path -LiteralPath $packageManifest)) {
        throw "The Release build did not stage the module into $packageModule."
    }

    if ($SkipHelp) {
        Write-Warning "-SkipHelp: Docs did not run, and this package has no help: Get-Help shows only the syntax of each cmdlet, and about_ImgTrack does not exist. Use it for tests only; a package to ship is built without -SkipHelp, which needs platyPS 0.14 ($PlatyPSInstallHint)."
    }
    else {
        New-ModuleHelp -PlatyPS $platyPS -ModuleFolder $packageModule
    }

    $version = (Import-PowerShellDataFile -LiteralPath $packageManifest).ModuleVersion
    $package = Join-Path $OutDir "ImgTrack.$version.nupkg"
    if (Test-Path -LiteralPath $package) {
        Remove-Item -LiteralPath $package -Force
    }

    Compress-PSResource -Path $packageModule -DestinationPath $OutDir
    if (-not (Test-Path -LiteralPath $package)) {
        throw "Compress-PSResource did not write $package."
    }

    $help = if ($SkipHelp) { 'WITHOUT help' } else { 'with help' }
    Write-Host "Package: $package (Release build, $help)"
}
