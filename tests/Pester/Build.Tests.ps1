#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The build as a user runs it: the staging target keeps help, Docs fails without platyPS, build.ps1 -Task Package
# writes a Release package that installs and runs (with no help under -SkipHelp, and says so), and the help platyPS
# builds is complete.
# Every child process gets a throwaway profile (see Invoke-IsolatedPwsh): nothing here touches the user's
# PowerShell or PSResourceGet settings.

BeforeAll {
    $script:repoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
    $script:stagedModule = Join-Path $script:repoRoot 'out/ImgTrack'

    # The pwsh running these tests; as the pinned dotnet tool, this process is 'dotnet', and $PSHOME holds the
    # apphost.
    $script:pwsh = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
    if (-not (Test-Path -LiteralPath $script:pwsh)) {
        $script:pwsh = (Get-Process -Id $PID).Path
    }

    # Runs a command in a fresh pwsh whose home, XDG folders and working directory are under $Root. PSResourceGet
    # keeps its repository list under the user's local application data (~/.local/share/PSResourceGet on Linux),
    # so a repository registered there stays out of the user's own list. The folders must exist: .NET returns
    # an empty local-application-data path for a missing one, and PSResourceGet then writes into the current
    # directory. (On Windows that folder does not follow the environment: callers also unregister in finally.)
    function Invoke-IsolatedPwsh {
        param(
            [Parameter(Mandatory)] [string] $Command,
            [Parameter(Mandatory)] [string] $Root
        )

        $folders = [ordered]@{
            HOME            = $Root
            USERPROFILE     = $Root
            XDG_DATA_HOME   = Join-Path $Root '.local/share'
            XDG_CONFIG_HOME = Join-Path $Root '.config'
            XDG_CACHE_HOME  = Join-Path $Root '.cache'
            LOCALAPPDATA    = Join-Path $Root 'AppData/Local'
            APPDATA         = Join-Path $Root 'AppData/Roaming'
        }
        $info = [System.Diagnostics.ProcessStartInfo]::new($script:pwsh)
        foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $Command) {
            $info.ArgumentList.Add($argument)
        }

        foreach ($entry in $folders.GetEnumerator()) {
            $null = New-Item -ItemType Directory -Path $entry.Value -Force
            $info.Environment[$entry.Key] = $entry.Value
        }

        $info.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
        $info.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
        $info.WorkingDirectory = $Root
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            $process.WaitForExit()
            [pscustomobject]@{
                ExitCode = $process.ExitCode
                Output   = $stdout.GetAwaiter().GetResult()
                Error    = $stderr.GetAwaiter().GetResult()
            }
        }
        finally {
            $process.Dispose()
        }
    }

    # A PowerShell single-quoted string literal for a path.
    function ConvertTo-Literal([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }

    $script:isolatedModulePath = "`$env:PSModulePath = Join-Path `$PSHOME 'Modules'"
}

Describe 'StageModule target' {
    # dotnet build stages out/ImgTrack through this target. It runs here against a scratch folder, with stand-in
    # assemblies (TargetDir overridden), so the test neither builds nor touches out/ImgTrack.
    Context 'A module folder that already holds generated help and stale files' {
        BeforeAll {
            $scratch = Join-Path $TestDrive 'stage'
            $script:moduleDir = Join-Path $scratch 'ImgTrack'
            $bin = Join-Path $scratch 'bin'
            $null = New-Item -ItemType Directory -Path $bin, (Join-Path $script:moduleDir 'en-US'), (Join-Path $script:moduleDir 'Dependencies') -Force
            Set-Content -LiteralPath (Join-Path $bin 'ImgTrack.dll') -Value 'stand-in'
            Set-Content -LiteralPath (Join-Path $bin 'ImgTrack.Core.dll') -Value 'stand-in'
            $script:help = @{
                'ImgTrack.dll-Help.xml'   = '<helpItems schema="maml" />'
                'about_ImgTrack.help.txt' = "TOPIC`n    about_imgtrack`n"
            }
            foreach ($name in $script:help.Keys) {
                Set-Content -LiteralPath (Join-Path $script:moduleDir "en-US/$name") -Value $script:help[$name] -NoNewline
            }

            Set-Content -LiteralPath (Join-Path $script:moduleDir 'Stale.Removed.dll') -Value 'left by an older build'
            Set-Content -LiteralPath (Join-Path $script:moduleDir 'Dependencies/Stale.Dependency.dll') -Value 'left by an older build'

            $project = Join-Path $script:repoRoot 'src/ImgTrack/ImgTrack.csproj'
            $script:msbuild = & dotnet msbuild $project -nologo -verbosity:minimal -target:StageModule "-property:ImgTrackModuleDir=$script:moduleDir/" "-property:TargetDir=$bin/" 2>&1
            $script:msbuildExitCode = $LASTEXITCODE
        }

        It 'Should succeed' {
            $script:msbuildExitCode | Should -Be 0 -Because ($script:msbuild -join [Environment]::NewLine)
        }

        It 'Should keep <_> in en-US byte for byte' -ForEach @('ImgTrack.dll-Help.xml', 'about_ImgTrack.help.txt') {
            Get-Content -LiteralPath (Join-Path $script:moduleDir "en-US/$_") -Raw | Should -BeExactly $script:help[$_]
        }

        It 'Should remove files it no longer stages' {
            Join-Path $script:moduleDir 'Stale.Removed.dll' | Should -Not -Exist
            Join-Path $script:moduleDir 'Dependencies/Stale.Dependency.dll' | Should -Not -Exist
        }

        It 'Should stage <_>' -ForEach @('ImgTrack.psd1', 'ImgTrack.dll', 'ImgTrack.Core.dll', 'ImgTrack.format.ps1xml', 'ImgTrack.types.ps1xml', 'LICENSE') {
            Join-Path $script:moduleDir $_ | Should -Exist
        }

        It 'Should stamp the manifest with the version from Directory.Build.props' {
            $props = [xml](Get-Content -LiteralPath (Join-Path $script:repoRoot 'Directory.Build.props') -Raw)
            $version = @($props.Project.PropertyGroup.VersionPrefix | Where-Object { $_ })[0]
            (Import-PowerShellDataFile -LiteralPath (Join-Path $script:moduleDir 'ImgTrack.psd1')).ModuleVersion | Should -Be $version
        }
    }
}

Describe 'build.ps1 -Task Docs' {
    Context 'Without platyPS' {
        BeforeAll {
            # PSModulePath is cut down to PowerShell's own modules, so no platyPS installed on this machine is found.
            $command = "$script:isolatedModulePath; " +
                "if (Get-Module -ListAvailable -Name platyPS) { 'platyPS is in PowerShell''s own module folder'; exit 3 }; " +
                "& $(ConvertTo-Literal (Join-Path $script:repoRoot 'build.ps1')) -Task Docs"
            $script:docs = Invoke-IsolatedPwsh -Command $command -Root (Join-Path $TestDrive 'docs-no-platyps')
        }

        It 'Should fail with exit code 1, so a build cannot go on without help' {
            $script:docs.ExitCode | Should -Be 1 -Because ($script:docs.Output + $script:docs.Error)
        }

        It 'Should say that platyPS 0.14 is missing and how to install it' {
            $text = ($script:docs.Output + $script:docs.Error) -replace '\s+', ' '
            $text | Should -Match 'Docs stopped: platyPS 0\.14 was not found'
            $text | Should -Match ([regex]::Escape('Install-PSResource -Name platyPS -Version 0.14.2'))
        }
    }
}

Describe 'build.ps1 -Task Package' {
    BeforeAll {
        $script:buildScript = Join-Path $script:repoRoot 'build.ps1'
        $script:version = (Import-PowerShellDataFile -LiteralPath (Join-Path $script:stagedModule 'ImgTrack.psd1')).ModuleVersion
        $script:package = Join-Path $script:repoRoot "out/ImgTrack.$script:version.nupkg"
    }

    Context 'Without platyPS and without -SkipHelp' {
        BeforeAll {
            # PSModulePath is cut down to PowerShell's own modules, so no platyPS installed on this machine is found.
            $command = "$script:isolatedModulePath; " +
                "if (Get-Module -ListAvailable -Name platyPS) { 'platyPS is in PowerShell''s own module folder'; exit 3 }; " +
                "& $(ConvertTo-Literal $script:buildScript) -Task Package"
            $script:result = Invoke-IsolatedPwsh -Command $command -Root (Join-Path $TestDrive 'no-platyps')
        }

        It 'Should stop with exit code 1' {
            $script:result.ExitCode | Should -Be 1 -Because ($script:result.Output + $script:result.Error)
        }

        It 'Should say that platyPS is missing and that -SkipHelp packages without help' {
            $text = ($script:result.Output + $script:result.Error) -replace '\s+', ' '
            $text | Should -Match 'Package stopped: platyPS 0\.14 was not found'
            $text | Should -Match 'Run again with -SkipHelp'
        }
    }

    Context 'With -SkipHelp' {
        BeforeAll {
            # Help an earlier Docs run left in the staged module must not reach a package said to have none: where
            # out/ImgTrack has no help, a stand-in is planted for this context and removed after it.
            $script:stagedHelp = Join-Path $script:stagedModule 'en-US'
            $script:plantedHelp = -not (Test-Path -LiteralPath $script:stagedHelp)
            if ($script:plantedHelp) {
                $null = New-Item -ItemType Directory -Path $script:stagedHelp
                Set-Content -LiteralPath (Join-Path $script:stagedHelp 'ImgTrack.dll-Help.xml') -Value '<helpItems schema="maml" />'
            }

            $root = Join-Path $TestDrive 'package'
            $script:build = Invoke-IsolatedPwsh -Root $root -Command "& $(ConvertTo-Literal $script:buildScript) -Task Package -SkipHelp"

            # A local folder repository that holds only this package, registered in the throwaway profile and
            # unregistered again whatever happens.
            $repository = Join-Path $root 'repository'
            $script:saved = Join-Path $root 'saved'
            $null = New-Item -ItemType Directory -Path $repository, $script:saved -Force
            if (Test-Path -LiteralPath $script:package) {
                Copy-Item -LiteralPath $script:package -Destination $repository
            }

            $name = 'ImgTrackBuildTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            $script:install = Invoke-IsolatedPwsh -Root $root -Command (@(
                    '$ErrorActionPreference = ''Stop'''
                    "Register-PSResourceRepository -Name '$name' -Uri $(ConvertTo-Literal $repository) -Trusted"
                    'try {'
                    "    Save-PSResource -Name ImgTrack -Version '$script:version' -Repository '$name' -Path $(ConvertTo-Literal $script:saved) -TrustRepository"
                    '}'
                    'finally {'
                    "    Unregister-PSResourceRepository -Name '$name'"
                    '}'
                    "if (Get-PSResourceRepository -Name '$name' -ErrorAction SilentlyContinue) { throw 'still registered' }"
                ) -join [Environment]::NewLine)

            # A fresh pwsh that sees only the saved module and PowerShell's own modules.
            $script:run = Invoke-IsolatedPwsh -Root $root -Command (@(
                    '$ErrorActionPreference = ''Stop'''
                    "`$env:PSModulePath = $(ConvertTo-Literal $script:saved) + [IO.Path]::PathSeparator + (Join-Path `$PSHOME 'Modules')"
                    'Import-Module -Name ImgTrack'
                    '(Get-Module -Name ImgTrack).ModuleBase'
                    '(Get-Command -Module ImgTrack).Count'
                    '(ConvertTo-ImageReference -Name nginx).Reference'
                    "'localhost:5000/team/app:1.0', 'Not Valid' | Test-ImageReference"
                    # A Debug build disables the JIT optimizer; a Release build does not.
                    '[bool]@((Get-Module -Name ImgTrack).ImplementingAssembly.GetCustomAttributes([System.Diagnostics.DebuggableAttribute], $false) | Where-Object IsJITOptimizerDisabled)'
                ) -join [Environment]::NewLine)
        }

        AfterAll {
            if ($script:plantedHelp) {
                Remove-Item -LiteralPath $script:stagedHelp -Recurse -Force
            }
        }

        It 'Should write out/ImgTrack.<version>.nupkg and say so' {
            $script:build.ExitCode | Should -Be 0 -Because ($script:build.Output + $script:build.Error)
            $script:package | Should -Exist
            $script:build.Output | Should -Match ([regex]::Escape("Package: $script:package"))
        }

        It 'Should warn that Docs did not run and that the package has no help' {
            $text = ($script:build.Output + $script:build.Error) -replace '\s+', ' '
            $text | Should -Match '-SkipHelp: Docs did not run'
            $text | Should -Match 'this package has no help'
        }

        It 'Should pack no help, even where the staged module holds some' {
            $script:install.ExitCode | Should -Be 0 -Because ($script:install.Output + $script:install.Error)
            Join-Path $script:saved "ImgTrack/$script:version/en-US" | Should -Not -Exist
        }

        It 'Should pack a Release build' {
            $script:run.ExitCode | Should -Be 0 -Because ($script:run.Output + $script:run.Error)
            @($script:run.Output -split '\r?\n' | Where-Object { $_ })[5] | Should -Be 'False' -Because 'a Release build leaves the JIT optimizer on'
        }

        It 'Should install with Save-PSResource from a local folder repository' {
            $script:install.ExitCode | Should -Be 0 -Because ($script:install.Output + $script:install.Error)
            Join-Path $script:saved "ImgTrack/$script:version/ImgTrack.psd1" | Should -Exist
            Join-Path $script:saved "ImgTrack/$script:version/Dependencies" | Should -Exist
        }

        It 'Should leave the repository registered nowhere but in the throwaway profile' -Skip:$IsWindows {
            # On Linux and macOS the profile's local application data is the XDG data folder set for the child.
            $store = Join-Path $TestDrive 'package/.local/share/PSResourceGet/PSResourceRepository.xml'
            $store | Should -Exist
            Get-Content -LiteralPath $store -Raw | Should -Not -Match 'ImgTrackBuildTest'
        }

        It 'Should import and run in a fresh pwsh with an isolated PSModulePath' {
            $script:run.ExitCode | Should -Be 0 -Because ($script:run.Output + $script:run.Error)
            $lines = @($script:run.Output -split '\r?\n' | Where-Object { $_ })
            $lines[0] | Should -Be (Join-Path $script:saved "ImgTrack/$script:version")
            $lines[1..4] | Should -Be @('5', 'docker.io/library/nginx:latest', 'True', 'False')
        }
    }
}

Describe 'build.ps1 -Task Test: the .NET Framework layer hook' {
    # The Test task's functions, loaded as build.ps1 loads them, over a scratch repository root.
    BeforeAll {
        $RepoRoot = Join-Path $TestDrive 'repo'
        $null = New-Item -ItemType Directory -Path $RepoRoot -Force
        . (Join-Path $script:repoRoot 'build/Common.ps1')
        . (Join-Path $script:repoRoot 'build/Tasks/Test.ps1')

        # A stand-in for the layer's runner: a pwsh that writes $Report (if any) and exits with $ExitCode.
        function New-LayerCommand([string] $Report, [string] $Xml, [int] $ExitCode) {
            $write = if ($Xml) { "Set-Content -LiteralPath $(ConvertTo-Literal $Report) -Value $(ConvertTo-Literal $Xml); " } else { '' }
            @{
                FilePath     = $script:pwsh
                ArgumentList = @('-NoProfile', '-NonInteractive', '-Command', "$write'runner output'; exit $ExitCode")
                ReportPath   = $Report
            }
        }

        $script:layerFolder = Join-Path $RepoRoot 'tests/NetFramework'
        $null = New-Item -ItemType Directory -Path $script:layerFolder -Force
    }

    It 'Should do nothing and add no layer without tests/NetFramework' {
        $marker = Join-Path $TestDrive 'ran.txt'
        $command = New-LayerCommand -Report $marker -Xml '<assemblies />' -ExitCode 0
        Invoke-NetFrameworkLayer -Folder (Join-Path $TestDrive 'absent') -Command $command | Should -BeNullOrEmpty
        $marker | Should -Not -Exist
    }

    It 'Should read passed, failed plus errors, and skipped from the xUnit report, and fold them into the Total line' {
        $report = Join-Path $TestDrive 'netfx.xml'
        $xml = '<assemblies><assembly name="a" total="5" passed="3" failed="1" skipped="1" errors="0" />' +
            '<assembly name="b" total="2" passed="2" failed="0" skipped="0" errors="1" /></assemblies>'
        $counts = Invoke-NetFrameworkLayer -Folder $script:layerFolder -Command (New-LayerCommand -Report $report -Xml $xml -ExitCode 1) 6>$null
        $counts.Passed | Should -Be 5
        $counts.Failed | Should -Be 2
        $counts.Skipped | Should -Be 1
        $counts.ExitCode | Should -Be 1

        $layers = [ordered]@{
            xUnit        = [pscustomobject]@{ Passed = 10; Failed = 0; Skipped = 2; ExitCode = 0 }
            Pester       = [pscustomobject]@{ Passed = 4; Failed = 0; Skipped = 1; ExitCode = 0 }
            NetFramework = $counts
        }
        $output = @(Write-TestSummary -Layers $layers 6>&1)
        $lines = @($output | Where-Object { $_ -isnot [bool] } | ForEach-Object { "$_" })
        $lines | Should -Contain 'NetFramework: 5 passed, 2 failed, 1 skipped'
        $lines[-1] | Should -Be 'Total: 19 passed, 2 failed, 4 skipped'
        @($output | Where-Object { $_ -is [bool] }) | Should -Be @($false)
    }

    It 'Should count a run that wrote no report, or a report without a test, as a failure' {
        $report = Join-Path $TestDrive 'none.xml'
        (Invoke-NetFrameworkLayer -Folder $script:layerFolder -Command (New-LayerCommand -Report $report -ExitCode 0) 6>$null).Failed | Should -Be 1
        (Invoke-NetFrameworkLayer -Folder $script:layerFolder -Command (New-LayerCommand -Report $report -Xml '<assemblies />' -ExitCode 0) 6>$null).Failed | Should -Be 1
    }

    It 'Should fail when tests/NetFramework exists and no command runs it' {
        { Invoke-NetFrameworkLayer -Folder $script:layerFolder -Command $null } | Should -Throw '*names no command to run it*'
    }

    It 'Should end the Test task with the Total line over the three layers, and fail it when one failed' {
        $report = Join-Path $TestDrive 'task.xml'
        $xml = '<assemblies><assembly name="a" total="3" passed="2" failed="1" skipped="0" errors="0" /></assemblies>'
        $script:layerCommand = New-LayerCommand -Report $report -Xml $xml -ExitCode 1
        Mock Invoke-XunitLayer { [pscustomobject]@{ Passed = 7; Failed = 0; Skipped = 1; ExitCode = 0 } }
        Mock Invoke-PesterLayer { [pscustomobject]@{ Passed = 5; Failed = 0; Skipped = 2; ExitCode = 0 } }
        Mock Get-NetFrameworkLayerCommand { $script:layerCommand }
        $RepoRoot = Join-Path $TestDrive 'repo'

        $lines = [System.Collections.Generic.List[string]]::new()
        { Invoke-Test 6>&1 | ForEach-Object { $lines.Add("$_") } } | Should -Throw '*NetFramework exit code 1*'
        $lines[-1] | Should -Be 'Total: 14 passed, 1 failed, 3 skipped'
    }

    It 'Should pass a run where every layer passed' {
        $layers = [ordered]@{
            xUnit  = [pscustomobject]@{ Passed = 1; Failed = 0; Skipped = 0; ExitCode = 0 }
            Pester = [pscustomobject]@{ Passed = 1; Failed = 0; Skipped = 0; ExitCode = 0 }
        }
        Write-TestSummary -Layers $layers 6>$null | Should -BeTrue
    }
}

Describe 'Help built by platyPS 0.14' {
    BeforeAll {
        $script:platyPS = Get-Module -ListAvailable -Name platyPS |
            Where-Object { $_.Version -ge [version]'0.14.0' -and $_.Version -lt [version]'1.0' } |
            Sort-Object Version -Descending |
            Select-Object -First 1
        $script:skipBecause = 'platyPS 0.14 is not in PSModulePath (no package registry here serves it), so its output cannot be checked; tests/Cmdlets/ImgTrack.PowerShell.Tests/HelpDocTests.cs checks the markdown structurally instead'
        if ($null -eq $script:platyPS) {
            return
        }

        # New-ExternalHelp into a copy of the staged module, then Get-Help in a fresh pwsh that imports the copy.
        $modules = Join-Path $TestDrive 'help-modules'
        $copy = Join-Path $modules 'ImgTrack'
        $null = New-Item -ItemType Directory -Path $modules -Force
        Copy-Item -LiteralPath $script:stagedModule -Destination $copy -Recurse
        Remove-Item -LiteralPath (Join-Path $copy 'en-US') -Recurse -Force -ErrorAction SilentlyContinue
        Import-Module -ModuleInfo $script:platyPS -ErrorAction Stop
        $null = New-ExternalHelp -Path (Join-Path $script:repoRoot 'docs/en-US') -OutputPath (Join-Path $copy 'en-US') -Force
        $script:helpFiles = @(Get-ChildItem -LiteralPath (Join-Path $copy 'en-US') -File).Name

        $command = @(
            '$ErrorActionPreference = ''Stop'''
            "`$env:PSModulePath = $(ConvertTo-Literal $modules) + [IO.Path]::PathSeparator + (Join-Path `$PSHOME 'Modules')"
            'Import-Module -Name ImgTrack'
            '$cmdlets = foreach ($name in (Get-Command -Module ImgTrack).Name) {'
            '    $help = Get-Help -Name $name -Full'
            '    [pscustomobject]@{'
            '        Name        = $name'
            '        Description = ($help.description | Out-String).Trim()'
            '        Parameters  = @($help.parameters.parameter | Where-Object { ($_.description | Out-String).Trim() } | ForEach-Object name)'
            '        Examples    = @($help.examples.example).Count'
            '        Expected    = @((Get-Command -Name $name).Parameters.Keys | Where-Object {'
            '            $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and'
            '            $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters -and $_ -ne ''ProgressAction'' })'
            '    }'
            '}'
            '[pscustomobject]@{ Cmdlets = @($cmdlets); About = (Get-Help -Name about_ImgTrack | Out-String) } | ConvertTo-Json -Depth 4'
        ) -join [Environment]::NewLine
        $result = Invoke-IsolatedPwsh -Root (Join-Path $TestDrive 'help') -Command $command
        $result.ExitCode | Should -Be 0 -Because ($result.Output + $result.Error)
        $script:help = $result.Output | ConvertFrom-Json
    }

    It 'Should write ImgTrack.dll-Help.xml and about_ImgTrack.help.txt' {
        if ($null -eq $script:platyPS) { Set-ItResult -Skipped -Because $script:skipBecause; return }
        $script:helpFiles | Should -Contain 'ImgTrack.dll-Help.xml'
        $script:helpFiles | Should -Contain 'about_ImgTrack.help.txt'
    }

    It 'Should give <_> a description, every parameter with a description, and at least three examples' -ForEach @(
        'Compare-ImageInventory', 'ConvertTo-ImageReference', 'ConvertTo-TrackingKey', 'Get-ImageIdentity', 'Test-ImageReference'
    ) {
        if ($null -eq $script:platyPS) { Set-ItResult -Skipped -Because $script:skipBecause; return }
        $cmdlet = $script:help.Cmdlets | Where-Object Name -EQ $_
        $cmdlet.Description | Should -Not -BeNullOrEmpty
        @($cmdlet.Parameters | Sort-Object) | Should -Be @($cmdlet.Expected | Sort-Object)
        $cmdlet.Examples | Should -BeGreaterOrEqual 3
    }

    It 'Should show about_ImgTrack as plain text' {
        if ($null -eq $script:platyPS) { Set-ItResult -Skipped -Because $script:skipBecause; return }
        $script:help.About | Should -Match 'SHORT DESCRIPTION'
        $script:help.About | Should -Match 'TrackingKey'
        $script:help.About | Should -Not -Match '\|---'
    }
}
