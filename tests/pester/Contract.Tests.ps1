BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
}

Describe 'The cmdlets'' parameters are their contract' {
    It '<Command> has -<Name>' -ForEach @(
        @{ Command = 'New-BqBackup'; Name = 'Path'; Type = 'string[]' }
        @{ Command = 'New-BqBackup'; Name = 'Destination'; Type = 'string[]' }
        @{ Command = 'New-BqBackup'; Name = 'CompressionLevel'; Type = 'BqBackup.Codec.BqCompressionLevel' }
        @{ Command = 'Get-BqBackup'; Name = 'Destination'; Type = 'string' }
        @{ Command = 'Get-BqBackup'; Name = 'Name'; Type = 'string[]' }
        @{ Command = 'Get-BqBackup'; Name = 'Latest'; Type = 'switch' }
        @{ Command = 'Get-BqBackup'; Name = 'Before'; Type = 'datetime' }
        @{ Command = 'Get-BqBackup'; Name = 'After'; Type = 'datetime' }
        @{ Command = 'Get-BqBackup'; Name = 'At'; Type = 'datetime' }
        @{ Command = 'Restore-BqBackup'; Name = 'Path'; Type = 'string' }
        @{ Command = 'Restore-BqBackup'; Name = 'InputObject'; Type = 'BqBackup.BackupInfo' }
        @{ Command = 'Restore-BqBackup'; Name = 'Destination'; Type = 'string' }
        @{ Command = 'Restore-BqBackup'; Name = 'Name'; Type = 'string' }
        @{ Command = 'Restore-BqBackup'; Name = 'Latest'; Type = 'switch' }
        @{ Command = 'Restore-BqBackup'; Name = 'At'; Type = 'datetime' }
        @{ Command = 'Restore-BqBackup'; Name = 'Force'; Type = 'switch' }
        @{ Command = 'Test-BqBackup'; Name = 'InputObject'; Type = 'BqBackup.BackupInfo' }
        @{ Command = 'Test-BqBackup'; Name = 'Destination'; Type = 'string' }
        @{ Command = 'Test-BqBackup'; Name = 'Name'; Type = 'string[]' }
        @{ Command = 'Test-BqBackup'; Name = 'Latest'; Type = 'switch' }
        @{ Command = 'Test-BqBackup'; Name = 'At'; Type = 'datetime' }
        @{ Command = 'Test-BqBackup'; Name = 'All'; Type = 'switch' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'Destination'; Type = 'string' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'RetentionDays'; Type = 'int' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'IncludeBunqueueBackups'; Type = 'switch' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'KeepLast'; Type = 'int' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'KeepHourly'; Type = 'int' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'KeepDaily'; Type = 'int' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'KeepWeekly'; Type = 'int' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'KeepMonthly'; Type = 'int' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'KeepYearly'; Type = 'int' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'InputObject'; Type = 'BqBackup.BackupInfo[]' }
        @{ Command = 'Remove-BqBackupExpired'; Name = 'PassThru'; Type = 'switch' }
        @{ Command = 'Remove-BqBackup'; Name = 'Destination'; Type = 'string' }
        @{ Command = 'Remove-BqBackup'; Name = 'Name'; Type = 'string[]' }
        @{ Command = 'Remove-BqBackup'; Name = 'InputObject'; Type = 'BqBackup.BackupInfo[]' }
        @{ Command = 'Remove-BqBackup'; Name = 'IncludeBunqueueBackups'; Type = 'switch' }
        @{ Command = 'Remove-BqBackup'; Name = 'PassThru'; Type = 'switch' }
        @{ Command = 'Get-BqBackupRetention'; Name = 'Destination'; Type = 'string' }
        @{ Command = 'Get-BqBackupRetention'; Name = 'RetentionDays'; Type = 'int' }
        @{ Command = 'Get-BqBackupRetention'; Name = 'KeepLast'; Type = 'int' }
        @{ Command = 'Get-BqBackupRetention'; Name = 'KeepDaily'; Type = 'int' }
        @{ Command = 'Get-BqBackupRetention'; Name = 'IncludeBunqueueBackups'; Type = 'switch' }
        @{ Command = 'New-BqBackup'; Name = 'LiteralPath'; Type = 'string[]' }
        @{ Command = 'Restore-BqBackup'; Name = 'StoreSettings'; Type = 'System.Object' }
        @{ Command = 'Get-BqBackup'; Name = 'SecretKey'; Type = 'string' }
        @{ Command = 'Get-BqBackup'; Name = 'SessionToken'; Type = 'string' }
        @{ Command = 'Get-BqBackup'; Name = 'Credential'; Type = 'object' }
        @{ Command = 'Get-BqBackup'; Name = 'ProfileLocation'; Type = 'string' }
        @{ Command = 'Get-BqBackup'; Name = 'ForcePathStyleAddressing'; Type = 'bool' }
        @{ Command = 'Get-BqBackup'; Name = 'BucketName'; Type = 'string' }
        @{ Command = 'Get-BqBackup'; Name = 'KeyPrefix'; Type = 'string' }
        @{ Command = 'Get-BqBackup'; Name = 'IncludeDeleted'; Type = 'switch' }
        @{ Command = 'Restore-BqBackup'; Name = 'VersionId'; Type = 'string' }
    ) {
        Get-Command $Command | Should -HaveParameter $Name -Type $Type
    }

    It 'Restore-BqBackup requires -Path' {
        Get-Command Restore-BqBackup | Should -HaveParameter Path -Mandatory
    }

    It '<Command> supports -WhatIf and -Confirm' -ForEach @(
        @{ Command = 'New-BqBackup' }, @{ Command = 'Restore-BqBackup' }, @{ Command = 'Remove-BqBackupExpired' }, @{ Command = 'Remove-BqBackup' }
    ) {
        Get-Command $Command | Should -HaveParameter WhatIf
        Get-Command $Command | Should -HaveParameter Confirm
    }

    It '<Command> asks for confirmation by default (ConfirmImpact High)' -ForEach @(@{ Command = 'Restore-BqBackup' }, @{ Command = 'Remove-BqBackup' }) {
        $attribute = (Get-Command $Command).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
    }

    It 'Get-BqBackupRetention changes nothing and so has no -WhatIf' {
        (Get-Command Get-BqBackupRetention).Parameters.Keys | Should -Not -Contain 'WhatIf'
    }

    It 'Get-BqBackup changes nothing and so has no -WhatIf' {
        (Get-Command Get-BqBackup).Parameters.Keys | Should -Not -Contain 'WhatIf'
    }

    It 'format views are keyed to the full type names' {
        (Get-FormatData -TypeName BqBackup.BackupInfo).FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name } | Should -Be 'TableControl', 'ListControl'
        Get-FormatData -TypeName BqBackup.Restore.RestoreResult | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName BqBackup.Restore.BackupTestResult | Should -Not -BeNullOrEmpty
    }
}
