# Runs against the built module: `./build.ps1 -Task Test` builds out/BqBackup first.

BeforeAll {
    $script:ModuleDir = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/BqBackup'))
    $script:ManifestPath = Join-Path $ModuleDir 'BqBackup.psd1'
    $script:ExpectedCmdlets = @('Copy-BqBackup', 'Get-BqBackup', 'Get-BqBackupRetention', 'Get-BqBackupSchedule', 'Get-BqBackupStatus', 'New-BqBackup', 'Register-BqBackupSchedule',
        'Remove-BqBackup', 'Remove-BqBackupExpired', 'Restore-BqBackup', 'Test-BqBackup', 'Test-BqBackupDestination', 'Unregister-BqBackupSchedule')

    Remove-Module BqBackup -Force -ErrorAction Ignore
    # Kept rather than thrown, so that each test below reports its own cause.
    $script:ImportErrors = @()
    try {
        Import-Module $ManifestPath -Force -ErrorAction Stop
    }
    catch {
        $script:ImportErrors = @($_)
    }
}

AfterAll {
    Remove-Module BqBackup -Force -ErrorAction Ignore
}

Describe 'The built module folder' {
    It 'has a manifest that Test-ModuleManifest accepts' {
        $info = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $info.Name | Should -Be 'BqBackup'
        $info.Version | Should -Be ([version] (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../BqBackup.psd1')).ModuleVersion)
    }

    It 'declares exactly the expected cmdlets, and no functions, aliases or variables' {
        $data = Import-PowerShellDataFile -LiteralPath $ManifestPath
        (@($data.CmdletsToExport) | Sort-Object) -join ', ' | Should -Be ($ExpectedCmdlets -join ', ')
        @($data.FunctionsToExport).Count | Should -Be 0
        @($data.AliasesToExport).Count | Should -Be 0
        @($data.VariablesToExport).Count | Should -Be 0
    }

    It 'has the cmdlets and the loader at the top, and the engine and third-party assemblies with native SQLite in Dependencies/' {
        $native = if ($IsWindows) { 'e_sqlite3.dll' } elseif ($IsMacOS) { 'libe_sqlite3.dylib' } else { 'libe_sqlite3.so' }
        (@(Get-ChildItem -LiteralPath $ModuleDir -Filter '*.dll').Name | Sort-Object) -join ', ' |
            Should -Be 'BqBackup.dll, BqBackup.Loader.dll'
        foreach ($dependency in 'BqBackup.Core.dll', 'AWSSDK.Core.dll', 'AWSSDK.S3.dll', 'Microsoft.Data.Sqlite.dll', 'SQLitePCLRaw.provider.e_sqlite3.dll', 'BouncyCastle.Cryptography.dll', $native) {
            Join-Path $ModuleDir "Dependencies/$dependency" | Should -Exist
        }
        Join-Path $ModuleDir $native | Should -Not -Exist
    }

    It 'does not ship PowerShell''s own assemblies' {
        Join-Path $ModuleDir 'System.Management.Automation.dll' | Should -Not -Exist
        Join-Path $ModuleDir 'Dependencies/System.Management.Automation.dll' | Should -Not -Exist
        @(Get-ChildItem -LiteralPath $ModuleDir -Recurse -Filter 'Microsoft.PowerShell.*').Count | Should -Be 0
    }
}

Describe 'The imported module' {
    It 'imports without error' {
        ($ImportErrors | ForEach-Object { "$_" }) -join [Environment]::NewLine | Should -BeNullOrEmpty
        Get-Module BqBackup | Should -Not -BeNullOrEmpty
    }

    It 'loads its dependencies in its own load context on PowerShell 7, and its native SQLite from Dependencies/' {
        [BqBackup.Loading.DependencyLoader]::Mechanism | Should -Be 'LoadContext'
        [BqBackup.Loading.DependencyLoader]::LoadContext.Name | Should -Be 'BqBackup'
        [BqBackup.Native.SqliteNativeLoader]::Mechanism | Should -Be 'LoadContext'
        [BqBackup.Native.SqliteNativeLoader]::CandidatePath | Should -BeLike (Join-Path $ModuleDir 'Dependencies/*e_sqlite3*')
    }

    It 'exports exactly the expected cmdlets' {
        $exported = @(Get-Command -Module BqBackup -ErrorAction Ignore | ForEach-Object Name | Sort-Object)
        $exported -join ', ' | Should -Be ($ExpectedCmdlets -join ', ')
        @(Get-Command -Module BqBackup -CommandType Cmdlet -ErrorAction Ignore).Count | Should -Be $ExpectedCmdlets.Count
    }
}
