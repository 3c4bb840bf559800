# Remove-BqBackupExpired deletes only through ShouldProcess: -WhatIf, $WhatIfPreference and
# -WhatIf:$false mean what they say, for expired backups and orphaned sidecars alike.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 30 | Out-Null

    # Every file in the folder: name, size, SHA-256 and modification time.
    function Get-FolderState([string] $Folder) {
        Get-ChildItem -Force -Recurse -File $Folder | Sort-Object FullName |
            ForEach-Object { '{0} {1} {2} {3}' -f $_.FullName, $_.Length, (Get-FileSha256 $_.FullName), $_.LastWriteTimeUtc.Ticks }
    }
}

Describe 'Remove-BqBackupExpired and -WhatIf' {
    BeforeEach {
        $script:dest = Join-Path $TestDrive ("expiry-" + [guid]::NewGuid().ToString('N'))
        $script:seed = New-BqBackup -Path $db -Destination $dest
        $now = [datetime]::UtcNow
        $script:old = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-10)
        $script:older = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-20)
        $script:recent = Copy-BackupAsOf -Backup $seed -TimestampUtc $now.AddDays(-2)
        # A sidecar whose backup is gone, older than a backup in flight could be.
        $script:orphan = Join-Path $dest 'backup-2020-01-01T00-00-00.db.gz.meta.json'
        Copy-Item (Join-Path $dest "$old.meta.json") $orphan
        (Get-Item $orphan).LastWriteTimeUtc = $now - [BqBackup.Retention.ExpiryEngine]::OrphanAge - [timespan]::FromMinutes(1)
        $script:before = Get-FolderState $dest
    }

    It 'with $WhatIfPreference = $true changes nothing, the orphaned sidecar included' {
        $WhatIfPreference = $true
        try { $out = @(Remove-BqBackupExpired -Destination $dest -RetentionDays 7) } finally { $WhatIfPreference = $false }
        Get-FolderState $dest | Should -Be $before
        $out | Should -HaveCount 4
        $out | ForEach-Object { $_.GetType().FullName | Should -Be 'BqBackup.Retention.RetentionDecision' }
    }

    It 'with $WhatIfPreference = $true says what it would remove, the orphaned sidecar included' {
        $out = Invoke-ChildPwsh "`$WhatIfPreference = `$true; Remove-BqBackupExpired -Destination '$dest' -RetentionDays 7 | Out-Null"
        $out | Should -Match "What if: .*Remove orphaned sidecar.*$([regex]::Escape((Split-Path $orphan -Leaf)))"
        $out | Should -Match "What if: .*Remove backup.*$([regex]::Escape($older))"
        Get-FolderState $dest | Should -Be $before
    }

    It '-WhatIf keeps the orphaned sidecar too' {
        $out = Invoke-ChildPwsh "Remove-BqBackupExpired -Destination '$dest' -RetentionDays 7 -WhatIf | Out-Null"
        $out | Should -Match "Remove orphaned sidecar"
        Get-FolderState $dest | Should -Be $before
    }

    It '-WhatIf:$false is not -WhatIf: it removes, and outputs what it removed' {
        $removed = @(Remove-BqBackupExpired -Destination $dest -RetentionDays 7 -WhatIf:$false)
        $removed.Name | Sort-Object | Should -Be (@($old, $older) | Sort-Object)
        $removed | ForEach-Object { $_.GetType().FullName | Should -Be 'BqBackup.BackupInfo' }
        Test-Path $orphan | Should -BeFalse
        (Get-BqBackup -Destination $dest).Name | Should -Be $seed.Name, $recent
    }

    It 'a plain run removes the orphaned sidecar with the expired backups' {
        Remove-BqBackupExpired -Destination $dest -RetentionDays 7 | Out-Null
        Test-Path $orphan | Should -BeFalse
        Test-Path (Join-Path $dest "$recent.meta.json") | Should -BeTrue
    }

    It 'piped backups narrow what it removes and leave orphans alone' {
        $removed = Get-BqBackup -Destination $dest -Name $older | Remove-BqBackupExpired -RetentionDays 7
        $removed.Name | Should -Be $older
        Test-Path $orphan | Should -BeTrue
    }
}

Describe 'Hostile ground: orphaned sidecars of bunqueue''s own backups' {
    It 'are bunqueue''s business: kept without -IncludeBunqueueBackups, removed with it' {
        $dest = Join-Path $TestDrive ("bq-orphan-" + [guid]::NewGuid().ToString('N'))
        $seed = New-BqBackup -Path $db -Destination $dest
        $orphan = Join-Path $dest 'bunqueue-2026-01-01T00-00-00-000Z-4ef59650-3968-4995-9eca-fa2e9ea3c144.db.meta.json'
        Copy-Item (Join-Path $dest "$($seed.Name).meta.json") $orphan
        (Get-Item $orphan).LastWriteTimeUtc = [datetime]::UtcNow - [BqBackup.Retention.ExpiryEngine]::OrphanAge - [timespan]::FromMinutes(1)

        Remove-BqBackupExpired -Destination $dest -KeepLast 1 -Confirm:$false | Out-Null
        Test-Path $orphan | Should -BeTrue

        Remove-BqBackupExpired -Destination $dest -KeepLast 1 -IncludeBunqueueBackups -Confirm:$false | Out-Null
        Test-Path $orphan | Should -BeFalse
        (Get-BqBackup -Destination $dest).Name | Should -Be $seed.Name
    }
}
