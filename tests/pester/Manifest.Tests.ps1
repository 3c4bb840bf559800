# A first-class module: a complete manifest, approved verbs, and -WhatIf that changes nothing on
# every cmdlet that changes state (found by SupportsShouldProcess, so new ones are covered).
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:Commands = @(Get-Command -Module BqBackup | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
    $script:StateChanging = @(Get-Command -Module BqBackup | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
    # Those whose arguments the test knows, so it can also show that without -WhatIf they do change the folders.
    $script:Known = @('New-BqBackup', 'Restore-BqBackup', 'Remove-BqBackup', 'Remove-BqBackupExpired', 'Register-BqBackupSchedule', 'Unregister-BqBackupSchedule', 'Copy-BqBackup')
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ManifestPath = Join-Path $RepoRoot 'out/BqBackup/BqBackup.psd1'
    $script:Data = Import-PowerShellDataFile -LiteralPath $ManifestPath
}

Describe 'The manifest' {
    It 'passes Test-ModuleManifest' {
        $info = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $info.Name | Should -Be 'BqBackup'
        $info.Version | Should -BeGreaterThan ([version] '0.0')
        $info.Guid | Should -Not -Be ([guid]::Empty)
    }

    It 'has <Key>' -ForEach @(
        @{ Key = 'ModuleVersion' }, @{ Key = 'GUID' }, @{ Key = 'Author' }, @{ Key = 'CompanyName' }, @{ Key = 'Copyright' },
        @{ Key = 'Description' }, @{ Key = 'PowerShellVersion' }, @{ Key = 'RootModule' }
    ) {
        "$($Data[$Key])" | Should -Not -BeNullOrEmpty
    }

    It 'runs on both editions from Windows PowerShell 5.1' {
        $Data.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        [version] $Data.PowerShellVersion | Should -Be ([version] '5.1')
    }

    It 'exports its cmdlets explicitly, by name, and nothing else' {
        $Data.CmdletsToExport | Should -Not -BeNullOrEmpty
        $Data.CmdletsToExport | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        (@(Get-Command -Module BqBackup | ForEach-Object Name | Sort-Object) -join ',') | Should -Be ((@($Data.CmdletsToExport) | Sort-Object) -join ',')
        @($Data.FunctionsToExport).Count | Should -Be 0
        @($Data.AliasesToExport).Count | Should -Be 0
        @($Data.VariablesToExport).Count | Should -Be 0
    }

    It 'loads its format views' {
        $Data.FormatsToProcess | Should -Contain 'BqBackup.Format.ps1xml'
    }

    It 'has the gallery metadata: tags, project and license URIs' {
        $psData = $Data.PrivateData.PSData
        $psData.Tags | Should -Contain 'bunqueue'
        $psData.Tags | Should -Contain 'PSEdition_Core'
        $psData.Tags | Should -Contain 'PSEdition_Desktop'
        $psData.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty -Because 'tags cannot contain spaces'
        [uri] $psData.ProjectUri | Should -Not -BeNullOrEmpty
        ([uri] $psData.ProjectUri).IsAbsoluteUri | Should -BeTrue
        ([uri] $psData.LicenseUri).IsAbsoluteUri | Should -BeTrue
    }

    It 'points its LicenseUri at a LICENSE the repository has, shipped in the module too' {
        $Data.PrivateData.PSData.LicenseUri | Should -Match '/LICENSE$'
        $license = Join-Path $RepoRoot 'LICENSE'
        $license | Should -Exist
        Get-Content -Raw $license | Should -Match 'MIT License'
        Join-Path $RepoRoot 'out/BqBackup/LICENSE' | Should -Exist
    }
}

Describe 'One version: the manifest''s ModuleVersion' {
    BeforeAll {
        $script:Version = (Import-PowerShellDataFile -LiteralPath (Join-Path $RepoRoot 'BqBackup.psd1')).ModuleVersion
        # As an assembly writes it: four parts, the missing ones 0.
        $v = [version] $Version
        $script:Version4 = [version]::new($v.Major, $v.Minor, [Math]::Max($v.Build, 0), [Math]::Max($v.Revision, 0))
        # The MSBuild files of the repository, outside what builds and installs write.
        $find = {
            param($dir)
            Get-ChildItem -LiteralPath $dir -File | Where-Object { $_.Extension -in '.csproj', '.props', '.targets' }
            Get-ChildItem -LiteralPath $dir -Directory | Where-Object Name -notin 'bin', 'obj', 'out', 'node_modules', '.tools', '.git' |
                ForEach-Object { & $find $_.FullName }
        }
        $script:MSBuildFiles = @(& $find $RepoRoot)
    }

    It 'is the built module''s version' {
        $Data.ModuleVersion | Should -Be $Version
    }

    It 'is the assembly version, file version and product version of <_>' -ForEach 'BqBackup.dll', 'Dependencies/BqBackup.Core.dll', 'BqBackup.Loader.dll' {
        $dll = Join-Path $RepoRoot "out/BqBackup/$_"
        [System.Reflection.AssemblyName]::GetAssemblyName($dll).Version | Should -Be $Version4
        $info = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($dll)
        [version] $info.FileVersion | Should -Be $Version4
        # The SDK appends '+<commit>' to the informational (product) version when it knows one.
        ($info.ProductVersion -split '\+')[0] | Should -Be $Version
    }

    It 'is read by Directory.Build.props from BqBackup.psd1, not written there' {
        $props = Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props')
        $props | Should -Match '<Version>\$\(\[System\.Text\.RegularExpressions\.Regex\]::Match\('
        $props | Should -Match 'BqBackup\.psd1'
        $props | Should -Match 'ModuleVersion'
    }

    It 'is set to a literal in no MSBuild file (Version, AssemblyVersion, FileVersion or the like)' {
        $MSBuildFiles.Count | Should -BeGreaterThan 2
        $literal = '<(Version|VersionPrefix|VersionSuffix|AssemblyVersion|FileVersion|InformationalVersion|PackageVersion)>\s*[0-9]'
        @($MSBuildFiles | Where-Object { (Get-Content -Raw -LiteralPath $_.FullName) -match $literal } | ForEach-Object FullName) |
            Should -BeNullOrEmpty -Because 'the version is BqBackup.psd1''s ModuleVersion, read by Directory.Build.props'
    }

    It 'appears once in the manifest, and in no build script or test as a quoted literal' {
        $escaped = [regex]::Escape($Version)
        ([regex]::Matches((Get-Content -Raw (Join-Path $RepoRoot 'BqBackup.psd1')), "(?<![0-9.])$escaped(?![0-9])")).Count | Should -Be 1
        $scripts = @(Get-Item (Join-Path $RepoRoot 'build.ps1')) + @(Get-ChildItem (Join-Path $RepoRoot 'tests/tools'), (Join-Path $RepoRoot 'tests/pester') -File -Include '*.ps1', '*.psm1' -Recurse)
        @($scripts | Where-Object { (Get-Content -Raw -LiteralPath $_.FullName) -match "['""]$escaped['""]" } | ForEach-Object FullName) |
            Should -BeNullOrEmpty -Because 'scripts and tests read the version from BqBackup.psd1'
    }
}

Describe '<Name> uses an approved verb' -ForEach $Commands {
    It 'is Verb-Noun with a verb from Get-Verb' {
        $verb = (Get-Command $Name).Verb
        $verb | Should -BeIn @(Get-Verb | ForEach-Object Verb)
    }
}

Describe '-WhatIf changes nothing: <Name>' -ForEach $StateChanging {
    BeforeAll {
        $script:work = Join-Path $TestDrive ("whatif-" + [guid]::NewGuid().ToString('N'))
        $script:dbDir = New-Item -ItemType Directory (Join-Path $work 'data')
        $script:db = Join-Path $dbDir 'queue.db'
        New-SampleDatabase -Path $db -Jobs 50 | Out-Null
        $script:dest = Join-Path $work 'backups'
        $seed = New-BqBackup -Path $db -Destination $dest
        # Old backups and an orphaned sidecar, so an expiry would have something to remove.
        foreach ($days in 3, 10, 40) { Copy-BackupAsOf -Backup $seed -TimestampUtc ([datetime]::UtcNow.AddDays(-$days)) | Out-Null }
        $orphan = Join-Path $dest 'backup-2020-01-01T00-00-00.db.gz.meta.json'
        Copy-Item (Join-Path $dest "$($seed.Name).meta.json") $orphan
        (Get-Item $orphan).LastWriteTimeUtc = [datetime]::UtcNow.AddDays(-1)
        # A -wal and -shm beside the database, as a running bunqueue leaves them.
        Set-Content "$db-wal" 'wal'
        Set-Content "$db-shm" 'shm'
        $script:backupName = $seed.Name
        # Installed units (written only, never enabled), so an unregister would have something to delete.
        $installed = Join-Path $work 'units-installed'
        Register-BqBackupSchedule -Name 'whatif' -Path $db -Destination $dest -UnitDirectory $installed -NoEnable | Out-Null

        # Arguments that would make each cmdlet change something. A cmdlet not listed gets its
        # mandatory parameters from $byName; one that needs something else fails here, so its
        # arguments get added.
        $known = @{
            'New-BqBackup'           = @{ Path = $db; Destination = $dest }
            'Restore-BqBackup'       = @{ Path = $db; Destination = $dest; Latest = $true }
            'Remove-BqBackupExpired' = @{ Destination = $dest; RetentionDays = 1 }
            'Remove-BqBackup'        = @{ Destination = $dest; Name = 'backup-*' }
            # -NoEnable / -NoDisable: the test must not reach this machine's systemd.
            'Register-BqBackupSchedule'   = @{ Path = $db; Destination = $dest; UnitDirectory = (Join-Path $work 'units'); NoEnable = $true }
            'Unregister-BqBackupSchedule' = @{ Name = 'whatif'; UnitDirectory = $installed; NoDisable = $true }
            'Copy-BqBackup'          = @{ From = $dest; To = (Join-Path $work 'copies'); All = $true }
        }
        $byName = @{ Path = $db; DataPath = $db; Destination = $dest; Name = 'bqbackup-whatif-test'; BackupName = $backupName
                     RetentionDays = 1; KeepLast = 1; Interval = [timespan]::FromHours(6) }
        $command = Get-Command $Name
        $script:arguments = if ($known.ContainsKey($Name)) { $known[$Name] } else {
            $set = $command.ParameterSets | Where-Object IsDefault | Select-Object -First 1
            if (-not $set) { $set = $command.ParameterSets[0] }
            $a = @{}
            foreach ($p in $set.Parameters | Where-Object { $_.IsMandatory -or $_.Name -in 'Path', 'Destination' }) {
                if ($byName.ContainsKey($p.Name)) { $a[$p.Name] = $byName[$p.Name] }
                elseif ($p.IsMandatory) { throw "Add arguments for $Name (-$($p.Name)) to the -WhatIf test in Manifest.Tests.ps1." }
            }
            $a
        }

        # Every file under a folder: its path relative to the folder and its SHA-256; folders by name.
        function Get-FolderSnapshot([string] $Path) {
            if (-not (Test-Path -LiteralPath $Path)) { return '(absent)' }
            (Get-ChildItem -LiteralPath $Path -Recurse -Force | Sort-Object FullName | ForEach-Object {
                $relative = $_.FullName.Substring($Path.Length)
                if ($_.PSIsContainer) { "$relative/" } else { "$relative $((Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash) $($_.Length)" }
            }) -join "`n"
        }
    }

    It 'leaves the destination and the database folder exactly as they were' {
        # The whole work folder: the destination, the database's folder, the unit folders.
        $before = Get-FolderSnapshot $work
        $arguments = $script:arguments
        & $Name @arguments -WhatIf -ErrorAction Stop | Out-Null
        Get-FolderSnapshot $work | Should -Be $before
    }

    It 'would have changed something without -WhatIf (the arguments are meaningful)' -Skip:($Name -notin $Known) {
        # Checked on a copy, so the test above and this one do not depend on each other.
        $copy = Join-Path $TestDrive ("real-" + [guid]::NewGuid().ToString('N'))
        Copy-Item -Recurse $work $copy
        $arguments = @{}
        foreach ($k in $script:arguments.Keys) {
            $v = $script:arguments[$k]
            $arguments[$k] = if ($v -is [string] -and $v.StartsWith($work)) { $copy + $v.Substring($work.Length) } else { $v }
        }
        $before = Get-FolderSnapshot $copy
        & $Name @arguments -Confirm:$false -ErrorAction Stop | Out-Null
        $after = Get-FolderSnapshot $copy
        $after | Should -Not -Be $before
    }
}
