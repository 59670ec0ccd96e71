#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The README's "Installing on servers", tested where it can be (Linux, PowerShell 7): the staged module copied into a
# module path and imported by name, the README's copy commands as written, two versions side by side and the pin a
# scheduled task uses, and the package installed from a folder repository. Each check runs in a fresh pwsh whose
# PSModulePath holds only the folder under test and PowerShell's own modules (pwsh adds the user and machine module
# folders itself; the checks name the folder a module must come from, so a copy installed there cannot pass for ours).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Fixtures/TestSupport/ImgTrack.TestSupport.psm1') -Force
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:staged = Join-Path $script:repoRoot 'out/ImgTrack'
    if (-not (Test-Path -LiteralPath (Join-Path $script:staged 'ImgTrack.psd1'))) {
        throw "The staged module $script:staged does not exist: run 'dotnet build ImgTrack.sln' first."
    }

    $script:version = (Import-PowerShellDataFile -LiteralPath (Join-Path $script:staged 'ImgTrack.psd1')).ModuleVersion

    # A fresh pwsh (this same PowerShell): PSModulePath is ModulePath plus PowerShell's own modules; Environment adds or
    # replaces variables. Returns the exit code and the output lines (standard output, then standard error).
    function Invoke-Pwsh {
        param(
            [string] $Command,
            [string] $File,
            [string] $ModulePath,
            [hashtable] $Environment = @{},
            [string] $WorkingDirectory = $TestDrive,
            # A command line that runs pwsh (unshare, a shell), and variables to remove from the environment.
            [string[]] $Prefix = @(),
            [string[]] $Unset = @()
        )

        $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $start = [System.Diagnostics.ProcessStartInfo]::new($process)
        if ($Prefix) {
            $start = [System.Diagnostics.ProcessStartInfo]::new($Prefix[0])
            foreach ($argument in @($Prefix | Select-Object -Skip 1) + $process) { $start.ArgumentList.Add($argument) }
        }
        if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($argument in @('-NoProfile', '-NonInteractive') + $(if ($File) { '-File', $File } else { '-Command', $Command })) {
            $start.ArgumentList.Add($argument)
        }

        $start.WorkingDirectory = $WorkingDirectory
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['PSModulePath'] = $ModulePath + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
        foreach ($name in $Unset) { $null = $start.Environment.Remove($name) }

        $child = [System.Diagnostics.Process]::Start($start)
        try {
            $stdout = $child.StandardOutput.ReadToEndAsync()
            $stderr = $child.StandardError.ReadToEndAsync()
            if (-not $child.WaitForExit(120000)) {
                $child.Kill($true)
                throw "pwsh did not finish in 2 minutes: $Command$File"
            }

            $lines = ($stdout.GetAwaiter().GetResult() + $stderr.GetAwaiter().GetResult()) -split '\r?\n' | Where-Object { $_ -ne '' }
            [pscustomobject]@{ ExitCode = $child.ExitCode; Output = @($lines); Text = $lines -join "`n" }
        }
        finally {
            $child.Dispose()
        }
    }

    # A copy of the staged module in Destination, with ModuleVersion set to Version (the one version source stamps
    # the staged manifest; an older or newer release differs, for PowerShell's choice, only there).
    function New-ModuleCopy([string] $Destination, [string] $Version = $script:version) {
        $null = New-Item -ItemType Directory -Path (Split-Path -Parent $Destination) -Force
        Copy-Item -LiteralPath $script:staged -Destination $Destination -Recurse
        $manifest = Join-Path $Destination 'ImgTrack.psd1'
        $text = [System.IO.File]::ReadAllText($manifest)
        [System.IO.File]::WriteAllText($manifest, ($text -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '$Version'"))
        (Resolve-Path -LiteralPath $Destination).Path
    }

    function New-TestFolder { (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName }

    $script:probe = '(Get-Module ImgTrack).Version.ToString(); (Get-Module ImgTrack).ModuleBase; (ConvertTo-ImageReference nginx).Reference'
}

Describe 'Installing ImgTrack on a server' {
    Context 'The staged folder copied to a module path' {
        It 'Should import by name from <_>' -ForEach 'ImgTrack/<version>', 'ImgTrack' {
            $modules = New-TestFolder
            $folder = New-ModuleCopy (Join-Path $modules ($_ -replace '<version>', $script:version))

            $run = Invoke-Pwsh -ModulePath $modules -Command "Import-Module ImgTrack; $script:probe"

            $run.ExitCode | Should -Be 0 -Because $run.Text
            $run.Output | Should -Be @($script:version, $folder, 'docker.io/library/nginx:latest')
        }

        It 'Should install with the README''s copy commands, as written, and import by name' {
            # Run from the folder that holds the copied ImgTrack folder, elevated on Windows; here ProgramFiles names a
            # test folder and PSModulePath holds its WindowsPowerShell\Modules, as Windows' default one does.
            $transfer = New-TestFolder
            $null = New-ModuleCopy (Join-Path $transfer 'ImgTrack')
            $programFiles = New-TestFolder
            $modules = Join-Path $programFiles 'WindowsPowerShell/Modules'

            $run = Invoke-Pwsh -WorkingDirectory $transfer -ModulePath $modules -Environment @{ ProgramFiles = $programFiles } `
                -Command (Get-ReadmeBlock '<!-- readme-example: install-copy -->')

            $run.ExitCode | Should -Be 0 -Because $run.Text
            Join-Path $modules "ImgTrack/$script:version/ImgTrack.psd1" | Should -Exist
            Join-Path $modules "ImgTrack/$script:version/Dependencies" | Should -Exist
            @($run.Output -match "^ImgTrack\s+$([regex]::Escape($script:version))\s").Count | Should -Be 1 -Because $run.Text

            $imported = Invoke-Pwsh -ModulePath $modules -Command "Import-Module ImgTrack; $script:probe"
            $imported.Output | Should -Be @($script:version, (Resolve-Path (Join-Path $modules "ImgTrack/$script:version")).Path, 'docker.io/library/nginx:latest')
        }
    }

    Context 'The README''s copy commands on Linux, where ProgramFiles is unset' -Skip:(-not $IsLinux -or (& id -u) -ne '0') {
        It 'Should install into /usr/local/share/powershell/Modules, as written, and import by name' {
            # As written, as root, with no ProgramFiles variable: in a mount namespace of the test's own with a tmpfs
            # over /usr/local/share, so the machine's real module folder is never touched; the listing of / and of the
            # module folder is taken inside the namespace, before it ends.
            $transfer = New-TestFolder
            $null = New-ModuleCopy (Join-Path $transfer 'ImgTrack')
            $shell = 'mount -t tmpfs tmpfs /usr/local/share || exit 90; "$@"; rc=$?; ls -d /WindowsPowerShell 2>/dev/null; ' +
                'ls /usr/local/share/powershell/Modules/ImgTrack; exit $rc'
            $run = Invoke-Pwsh -WorkingDirectory $transfer -ModulePath (New-TestFolder) -Unset 'ProgramFiles' `
                -Prefix 'unshare', '--mount', 'sh', '-c', $shell, 'sh' -Command (Get-ReadmeBlock '<!-- readme-example: install-copy -->')

            $run.ExitCode | Should -Be 0 -Because $run.Text
            @($run.Output -match "^ImgTrack\s+$([regex]::Escape($script:version))\s+/usr/local/share/powershell/Modules/ImgTrack/$([regex]::Escape($script:version))").Count |
                Should -Be 1 -Because $run.Text
            $run.Output | Should -Not -Contain '/WindowsPowerShell'
            $run.Output[-1] | Should -Be $script:version -Because $run.Text
        }
    }

    Context 'Two versions side by side' {
        BeforeAll {
            $script:sideBySide = New-TestFolder
            $script:old = New-ModuleCopy (Join-Path $script:sideBySide 'ImgTrack/0.1.0') -Version '0.1.0'
            $script:new = New-ModuleCopy (Join-Path $script:sideBySide 'ImgTrack/0.2.0') -Version '0.2.0'
        }

        It 'Should list both' {
            $run = Invoke-Pwsh -ModulePath $script:sideBySide -Command 'Get-Module ImgTrack -ListAvailable | ForEach-Object { "$($_.Version) $($_.ModuleBase)" }'

            $run.Output | Should -Be @("0.2.0 $script:new", "0.1.0 $script:old")
        }

        It 'Should import the newest by name' {
            $run = Invoke-Pwsh -ModulePath $script:sideBySide -Command "Import-Module ImgTrack; $script:probe"

            $run.Output | Should -Be @('0.2.0', $script:new, 'docker.io/library/nginx:latest')
        }

        It 'Should import the version -RequiredVersion names' {
            $run = Invoke-Pwsh -ModulePath $script:sideBySide -Command "Import-Module ImgTrack -RequiredVersion 0.1.0; $script:probe"

            $run.Output | Should -Be @('0.1.0', $script:old, 'docker.io/library/nginx:latest')
        }

        It 'Should run a scheduled task''s script pinned as the README shows <_> on the pinned version' -ForEach 'with Import-Module', 'with #Requires' {
            $pin = if ($_ -eq 'with Import-Module') { Get-ReadmeBlock '<!-- readme-example: pin -->' } else { "#Requires -Modules @{ ModuleName = 'ImgTrack'; RequiredVersion = '0.1.0' }" }
            $taskScript = Join-Path (New-TestFolder) 'Collect.ps1'
            Set-Content -LiteralPath $taskScript -Value ($pin.TrimEnd() + "`n" + $script:probe.Replace('; ', "`n"))

            $run = Invoke-Pwsh -ModulePath $script:sideBySide -File $taskScript

            $run.ExitCode | Should -Be 0 -Because $run.Text
            $run.Output | Should -Be @('0.1.0', $script:old, 'docker.io/library/nginx:latest')
        }

        It 'Should refuse a second version in the same session' {
            $run = Invoke-Pwsh -ModulePath $script:sideBySide -Command 'Import-Module ImgTrack -RequiredVersion 0.1.0; Import-Module ImgTrack -RequiredVersion 0.2.0 -ErrorAction Stop'

            $run.ExitCode | Should -Not -Be 0 -Because $run.Text
        }
    }

    Context 'The package, offline' {
        It 'Should install by name from a folder repository holding the package' {
            # PSResourceGet keeps its repository list and CurrentUser modules under the user's data folder: a test one.
            $userHome = New-TestFolder
            $data = (New-Item -ItemType Directory -Path (Join-Path $userHome '.local/share')).FullName
            $environment = @{ HOME = $userHome; XDG_DATA_HOME = $data; XDG_CONFIG_HOME = (Join-Path $userHome '.config'); XDG_CACHE_HOME = (Join-Path $userHome '.cache') }
            $packages = New-TestFolder
            $installed = Join-Path $data 'powershell/Modules'

            # What build.ps1 -Task Package makes: the staged folder published to a folder repository as a .nupkg.
            $publish = Invoke-Pwsh -ModulePath $installed -Environment $environment -Command @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name ImgTrackOffline -Uri '$packages' -Trusted
Publish-PSResource -Path '$script:staged' -Repository ImgTrackOffline
Install-PSResource -Name ImgTrack -Repository ImgTrackOffline
"@
            $publish.ExitCode | Should -Be 0 -Because $publish.Text
            Join-Path $packages "ImgTrack.$script:version.nupkg" | Should -Exist

            $run = Invoke-Pwsh -ModulePath $installed -Environment $environment -Command "Import-Module ImgTrack; $script:probe"

            $run.ExitCode | Should -Be 0 -Because $run.Text
            $run.Output | Should -Be @($script:version, (Join-Path $installed "ImgTrack/$script:version"), 'docker.io/library/nginx:latest')
        }
    }
}
