<#
.SYNOPSIS
    Builds, documents, tests and packages the ImgTrack module.

.DESCRIPTION
    Tasks run in the order given:

      Clean    Removes out/ and every project's bin/ and obj/ folders.
      Build    Runs 'dotnet build ImgTrack.sln -c <Configuration>', which stages the module into out/ImgTrack
               (help that Docs staged in out/ImgTrack/en-US is kept).
      Docs     Turns the PlatyPS 0.14 markdown in docs/en-US into out/ImgTrack/en-US/ImgTrack.dll-Help.xml
               (cmdlet help) and about_ImgTrack.help.txt. Without platyPS 0.14 it warns and generates nothing.
      Test     Runs every layer: 'dotnet test ImgTrack.sln' (xUnit: core, hosted cmdlets, real engines), then the Pester
               suite in a fresh pwsh against out/ImgTrack (Pester pinned and restored from NuGet, isolated
               PSModulePath). The last line sums both layers: 'Total: N passed, N failed, N skipped'.
      Package  Runs Docs (platyPS 0.14 required unless -SkipHelp), then packs out/ImgTrack into
               out/ImgTrack.<version>.nupkg with Compress-PSResource (PSResourceGet 1.1 or later).
      Run      Builds the module, then in a fresh pwsh imports out/ImgTrack and shows 'Get-ImageIdentity -All' for the
               engine DOCKER_HOST (or the Docker context, or the platform default) names. With no engine: what is
               missing and how to fix it, what works without one, and exit code 1.

    Works in Windows PowerShell 5.1 and PowerShell 7. Package also needs Compress-PSResource, from
    Microsoft.PowerShell.PSResourceGet 1.1 or later, which PowerShell 7.5 and later include (the pinned
    'dotnet pwsh' does). A failing step stops the script with a non-zero exit code.

.PARAMETER Task
    The tasks to run (default: Build).

.PARAMETER Configuration
    The .NET build configuration (default: Debug).

.PARAMETER SkipHelp
    Lets Package run without platyPS: it does not run Docs and packs out/ImgTrack as it is, so the package holds
    whatever help an earlier Docs run left in out/ImgTrack/en-US (none unless Docs ran before).

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test

.EXAMPLE
    ./build.ps1 -Task Build, Docs, Package -Configuration Release

.EXAMPLE
    ./build.ps1 -Task Build, Package -SkipHelp

.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Run

    The README's first command: the pinned pwsh, the module built and staged, every image of the machine's engine.
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Docs', 'Test', 'Package', 'Run')]
    [string[]] $Task = 'Build',

    [string] $Configuration = 'Debug',

    [switch] $SkipHelp
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

# How to start this same PowerShell again: its own executable, or 'dotnet pwsh.dll' when it runs as the local dotnet
# tool (dotnet pwsh), whose process is dotnet itself.
function Get-PwshCommandLine {
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }

    @($process)
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
# the <Verb>-<Noun>.md files) and about_ImgTrack.help.txt (from about_ImgTrack.md).
function Invoke-Docs {
    Assert-StagedModule
    $helpDir = Join-Path $ModuleDir 'en-US'
    $platyPS = Find-PlatyPS
    if ($null -eq $platyPS) {
        $left = if (Test-Path -LiteralPath $helpDir) {
            "the help already in $helpDir was left as it is and may be out of date"
        }
        else {
            'the staged module has no help: Get-Help shows only the syntax of each cmdlet, and about_ImgTrack does not exist'
        }

        Write-Warning "platyPS 0.14 was not found in PSModulePath, so no help was generated; $left. To generate help, install platyPS: $PlatyPSInstallHint."
        return
    }

    # New-ExternalHelp only adds and overwrites: clear the folder so a renamed or removed topic does not linger.
    if (Test-Path -LiteralPath $helpDir) {
        Remove-Item -LiteralPath $helpDir -Recurse -Force
    }

    Import-Module $platyPS -ErrorAction Stop
    $null = New-ExternalHelp -Path (Join-Path $RepoRoot 'docs/en-US') -OutputPath $helpDir -Force
    foreach ($file in 'ImgTrack.dll-Help.xml', 'about_ImgTrack.help.txt') {
        if (-not (Test-Path -LiteralPath (Join-Path $helpDir $file))) {
            throw "platyPS $($platyPS.Version) did not write $file into $helpDir."
        }
    }

    Write-Host "Help (platyPS $($platyPS.Version)): $((Get-ChildItem -LiteralPath $helpDir -File).Name -join ', ') in $helpDir"
}

# Test: every layer. xUnit through 'dotnet test' (core, hosted cmdlets, real engines), then the Pester suite in a fresh
# real pwsh against the staged module, with Pester pinned in tests/ImgTrack.TestEngine and restored from NuGet, and
# an isolated PSModulePath so modules installed on the machine by hand neither help nor hurt. Both layers always
# run; the last line sums them, and the task fails when either failed.
function Invoke-Test {
    $xunit = Invoke-XunitLayer
    $pester = Invoke-PesterLayer
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host "xUnit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    Write-Host "Total: $passed passed, $failed failed, $skipped skipped"
    if ($xunit.ExitCode -ne 0 -or $pester.ExitCode -ne 0 -or $failed -gt 0 -or $passed -eq 0) {
        throw "Tests failed (dotnet test exit code $($xunit.ExitCode), Pester exit code $($pester.ExitCode))."
    }
}

# Runs dotnet test, echoing its output, and reads the counts from each test project's summary line.
function Invoke-XunitLayer {
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; ExitCode = 0 }
    & dotnet test $Solution -c $Configuration 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '(Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)') {
            $counts.Failed += [int]$Matches[2]
            $counts.Passed += [int]$Matches[3]
            $counts.Skipped += [int]$Matches[4]
        }
    }
    $counts.ExitCode = $LASTEXITCODE
    [pscustomobject]$counts
}

# The Pester module pinned by tests/ImgTrack.TestEngine (PackageDownload), from the NuGet global packages folder.
function Get-PinnedPester {
    $project = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'tests/ImgTrack.TestEngine/ImgTrack.TestEngine.csproj')
    if ($project -notmatch '<PackageDownload Include="Pester" Version="\[([^\]]+)\]"') {
        throw 'tests/ImgTrack.TestEngine/ImgTrack.TestEngine.csproj does not pin Pester.'
    }

    $version = $Matches[1]
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }

    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "Pester $version is not restored ($manifest): run 'dotnet restore ImgTrack.sln'."
    }

    $manifest
}

# Runs the Pester suite in a fresh pwsh (this session may hold an older ImgTrack.dll, which .NET cannot unload).
function Invoke-PesterLayer {
    Assert-StagedModule
    $pester = Get-PinnedPester
    $summary = Join-Path ([System.IO.Path]::GetTempPath()) ("imgtrack-pester-" + [guid]::NewGuid().ToString('N') + '.json')
    $testsDir = Join-Path $RepoRoot 'tests'
    $command = @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name '$pester'
`$configuration = New-PesterConfiguration
`$configuration.Run.Path = '$testsDir'
`$configuration.Run.PassThru = `$true
`$configuration.Output.Verbosity = 'Detailed'
`$result = Invoke-Pester -Configuration `$configuration
@{ Passed = `$result.PassedCount; Failed = `$result.FailedCount + `$result.FailedBlocksCount + `$result.FailedContainersCount; Skipped = `$result.SkippedCount } |
    ConvertTo-Json | Set-Content -LiteralPath '$summary'
"@
    $savedModulePath = $env:PSModulePath
    # Only the modules that ship with this pwsh: nothing installed by hand can help or hurt.
    $env:PSModulePath = Join-Path $PSHOME 'Modules'
    try {
        $pwsh = Get-PwshCommandLine
        & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command | Out-Host
        $exitCode = $LASTEXITCODE
    }
    finally {
        $env:PSModulePath = $savedModulePath
    }

    $counts = [ordered]@{ Passed = 0; Failed = 1; Skipped = 0; ExitCode = $exitCode }
    if (Test-Path -LiteralPath $summary) {
        $result = Get-Content -Raw -LiteralPath $summary | ConvertFrom-Json
        Remove-Item -LiteralPath $summary
        $counts.Passed = $result.Passed
        $counts.Failed = $result.Failed
        $counts.Skipped = $result.Skipped
    }

    [pscustomobject]$counts
}

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

# Run: builds and stages the module (the module project only: the tests are not needed to run it), then shows
# 'Get-ImageIdentity -All' in a fresh pwsh: this session may already hold an ImgTrack.dll, which .NET cannot unload.
# The engine is the one DOCKER_HOST, the Docker context or the platform default names, as for any user. Without an
# engine, the engine's own message (what is missing, how to fix it) and what works without one, and exit code 1 in
# $script:RunExitCode. Nothing is captured, so the child pwsh writes straight to the terminal (colors, table width).
function Invoke-Run {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', (Join-Path $RepoRoot 'src/ImgTrack/ImgTrack.csproj'), '-c', $Configuration, '-nologo')
    Assert-StagedModule

    $command = @"
`$ErrorActionPreference = 'Stop'
Write-Host 'PS> Import-Module ./out/ImgTrack/ImgTrack.psd1'
Import-Module -Name '$($Manifest.Replace("'", "''"))'
Write-Host 'PS> Get-ImageIdentity -All'
try {
    `$count = 0
    Get-ImageIdentity -All -ErrorAction Continue | ForEach-Object { `$count++; `$_ } | Out-Host
}
catch {
    # Run failures only (no engine, a bad endpoint): item failures are written and the run goes on.
    Write-Host ''
    Write-Host `$_.Exception.Message
    Write-Host ''
    Write-Host 'Without an engine, ImgTrack still reads image names as Docker does:'
    # Four columns that fit an 80-column terminal; the Reference holds the registry.
    Write-Host 'PS> ConvertTo-ImageReference nginx, localhost:5000/app:1.0, ghcr.io/org/tool:2 | Format-Table Original, Reference, Repository, Tag -AutoSize'
    ConvertTo-ImageReference 'nginx', 'localhost:5000/app:1.0', 'ghcr.io/org/tool:2' | Format-Table Original, Reference, Repository, Tag -AutoSize | Out-Host
    exit 1
}

if (`$count -eq 0) {
    Write-Host 'The engine answered, but it holds no images yet: pull one (docker pull nginx) and run this again.'
}
exit 0
"@
    $pwsh = Get-PwshCommandLine
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command
    $script:RunExitCode = $LASTEXITCODE
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
            'Run' {
                # Its own exit code, without an error record: the run has already said what went wrong.
                Invoke-Run
                if ($script:RunExitCode -ne 0) { exit $script:RunExitCode }
            }
        }
    }
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 1
}

exit 0
