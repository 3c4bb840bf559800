@{
    # The cmdlets live in BqBackup.dll; the engine (BqBackup.Core.dll) sits beside it, with the
    # cmdlets' help (BqBackup.dll-Help.xml, generated from module/help) and BqBackup.Loader.dll
    # (the private load context the third-party assemblies of Dependencies/ load in on
    # PowerShell 7.4+; see the README's Packaging). The native SQLite library sits in Dependencies/
    # in the Build task's folder (out/BqBackup), and under runtimes/<rid>/native/ for each platform
    # in the package (out/package/BqBackup), where the module's loader picks the one for the
    # platform at import.
    RootModule           = 'BqBackup.dll'
    # Imported before the RootModule: sets up where the engine and its dependencies load from
    # before PowerShell reads BqBackup.dll's types, which derive from the engine's.
    NestedModules        = @('BqBackup.Loading.psm1')
    # The one home of the module's version: Directory.Build.props reads ModuleVersion for the
    # assemblies, build.ps1 for the .nupkg, and no other file names it.
    ModuleVersion        = '0.1.0'
    GUID                 = '8fc9fb0d-7856-40e0-97a3-19fb58a62f6c'
    Author               = 'BqBackup contributors'
    CompanyName          = 'BqBackup contributors'
    Copyright            = '(c) 2026 BqBackup contributors. MIT License.'
    Description          = 'Backs up the bunqueue job queue''s SQLite database to a folder or to S3-compatible storage: consistent snapshots of a live database, gzip compression, listing of the backups kept, verified restore, and retention of old backups.'

    CompatiblePSEditions = @('Core', 'Desktop')
    PowerShellVersion    = '5.1'
    # netstandard2.0 assemblies need .NET Framework 4.7.2 under Windows PowerShell.
    DotNetFrameworkVersion = '4.7.2'

    FormatsToProcess     = @('BqBackup.Format.ps1xml')
    # Durations as TimeSpans for scripts, beside the seconds the exports carry.
    TypesToProcess       = @('BqBackup.Types.ps1xml')

    CmdletsToExport      = @('New-BqBackup', 'Get-BqBackup', 'Restore-BqBackup', 'Test-BqBackup', 'Remove-BqBackup', 'Remove-BqBackupExpired',
                             'Get-BqBackupRetention', 'Get-BqBackupStatus', 'Register-BqBackupSchedule', 'Get-BqBackupSchedule',
                             'Unregister-BqBackupSchedule', 'Test-BqBackupDestination', 'Copy-BqBackup')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        # The runtimes the package (build.ps1 -Task Package) carries native SQLite for, under
        # runtimes/<rid>/native/, and the one place they are named: build.ps1 lays the package
        # out from this list, and the tests check the package, the README and the loader (which
        # works out this process's runtime from its OS and architecture) against it.
        PackageRuntimes = @('linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64')

        PSData = @{
            Tags         = @('bunqueue', 'SQLite', 'Backup', 'Restore', 'S3', 'Retention', 'Queue',
                             'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/bqbackup/BqBackup'
            LicenseUri   = 'https://github.com/bqbackup/BqBackup/blob/main/LICENSE'
            ReleaseNotes = 'First release. New-BqBackup takes a consistent snapshot of a bunqueue database and stores it gzip-compressed in a folder or an S3-compatible bucket; Get-BqBackup lists the backups kept; Restore-BqBackup restores one after verifying its checksum; Remove-BqBackupExpired applies a retention policy; Register-BqBackupSchedule runs both on a systemd timer, from cron or as a Windows Scheduled Task, with secrets kept in an environment file.'
        }
    }
}
