<#
.SYNOPSIS
    Builds, documents, tests and packages the ImgTrack module.

.DESCRIPTION
    Tasks run in the order given:

      Clean    Removes out/ and every project's bin/ and obj/ folders.
      Build    Runs 'dotnet build ImgTrack.sln -c <Configuration>', which stages the module into out/ImgTrack.
      Docs     Turns the PlatyPS markdown in docs/en-US into MAML help in out/ImgTrack/en-US (needs platyPS).
      Test     Runs 'dotnet test ImgTrack.sln', then Pester 5 in a fresh PowerShell process against out/ImgTrack.
      Package  Runs Docs, then writes out/ImgTrack.<version>.nupkg with Publish-Module to a local repository.

    Works in Windows PowerShell 5.1 and PowerShell 7. A failing step stops the script with a non-zero exit code.

.PARAMETER Task
    The tasks to run (default: Build).

.PARAMETER Configuration
    The .NET build configuration (default: Debug).

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test

.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Docs', 'Test', 'Package')]
    [string[]] $Task = 'Build',

    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleDir = Join-Path $OutDir 'ImgTrack'
$Manifest = Join-Path $ModuleDir 'ImgTrack.psd1'
$Solution = Join-Path $RepoRoot 'ImgTrack.sln'

# Runs a native command and stops the build when it fails: $ErrorActionPreference does not apply to exit codes
# of native programs in Windows PowerShell 5.1.
function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )

    Write-Verbose "$FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Assert-StagedModule {
    if (-not (Test-Path -LiteralPath $Manifest)) {
        throw "The staged module $Manifest does not exist. Run the Build task first."
    }
}

# Clean: removes out/ and every project's bin/ and obj/ folders.
function Invoke-Clean {
    if (Test-Path -LiteralPath $OutDir) {
        Remove-Item -LiteralPath $OutDir -Recurse -Force
    }

    foreach ($root in @('src', 'tests')) {
        $path = Join-Path $RepoRoot $root
        if (Test-Path -LiteralPath $path) {
            Get-ChildItem -LiteralPath $path -Directory -Recurse -Include 'bin', 'obj' |
                Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

# Build: dotnet build of the solution, which stages the importable module into out/ImgTrack.
function Invoke-Build {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', $Solution, '-c', $Configuration)
    Assert-StagedModule
}

# Docs: PlatyPS markdown in docs/en-US to MAML help in out/ImgTrack/en-US.
function Invoke-Docs {
    Assert-StagedModule
    $platyPS = Get-Module -ListAvailable -Name platyPS | Sort-Object Version -Descending | Select-Object -First 1
    if ($null -eq $platyPS) {
        Write-Warning 'platyPS is not installed, so no MAML help was generated (Install-Module platyPS -Scope CurrentUser). Get-Help will show only the syntax.'
        return
    }

    Import-Module $platyPS -ErrorAction Stop
    $helpDir = Join-Path $ModuleDir 'en-US'
    $null = New-ExternalHelp -Path (Join-Path $RepoRoot 'docs/en-US') -OutputPath $helpDir -Force
}

# Test: xUnit through dotnet test, then Pester 5 in a fresh PowerShell process against the staged module.
function Invoke-Test {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('test', $Solution, '-c', $Configuration)
    Assert-StagedModule

    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.0.0' } |
        Sort-Object Version -Descending |
        Select-Object -First 1
    if ($null -eq $pester) {
        Write-Warning 'Pester 5 is not installed, so the Pester tests did not run (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser).'
        return
    }

    # A fresh process: this session may already hold an older ImgTrack.dll, which .NET cannot unload.
    $shell = (Get-Process -Id $PID).Path
    $testsDir = Join-Path $RepoRoot 'tests'
    $command = "`$ErrorActionPreference = 'Stop'; " +
        "Import-Module -Name '$($pester.Path)'; " +
        "`$configuration = New-PesterConfiguration; " +
        "`$configuration.Run.Path = '$testsDir'; " +
        "`$configuration.Run.Exit = `$true; " +
        "`$configuration.Output.Verbosity = 'Detailed'; " +
        "Invoke-Pester -Configuration `$configuration"
    Invoke-Native -FilePath $shell -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $command)
}

# Package: Docs, then out/ImgTrack.<version>.nupkg through Publish-Module to a local folder repository.
function Invoke-Package {
    Invoke-Docs
    Assert-StagedModule

    $version = (Import-PowerShellDataFile -LiteralPath $Manifest).ModuleVersion
    $repositoryName = 'ImgTrackLocalBuild'
    $repositoryPath = $OutDir
    if (Get-PSRepository -Name $repositoryName -ErrorAction SilentlyContinue) {
        Unregister-PSRepository -Name $repositoryName
    }

    Register-PSRepository -Name $repositoryName -SourceLocation $repositoryPath -PublishLocation $repositoryPath -InstallationPolicy Trusted
    try {
        Publish-Module -Path $ModuleDir -Repository $repositoryName -NuGetApiKey 'local-build'
    }
    finally {
        Unregister-PSRepository -Name $repositoryName
    }

    $package = Join-Path $OutDir "ImgTrack.$version.nupkg"
    if (-not (Test-Path -LiteralPath $package)) {
        throw "Publish-Module did not write $package."
    }

    Write-Host "Package: $package"
}

try {
    foreach ($name in $Task) {
        Write-Host "==> $name ($Configuration)"
        switch ($name) {
            'Clean' { Invoke-Clean }
            'Build' { Invoke-Build }
            'Docs' { Invoke-Docs }
            'Test' { Invoke-Test }
            'Package' { Invoke-Package }
        }
    }
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 1
}

exit 0
