# Test-BqBackupDestination and Get-BqBackupStatus on what protects backups from deletion, against
# moto (which implements versioning, Object Lock, lifecycle and default encryption) with buckets set
# up by awscli: the posture flips when versioning or the lock is missing.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:moto = Start-MotoServer -Root $TestDrive
    $script:s3 = $moto.Parameters
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 100 | Out-Null
    # Protected: Object Lock (so versioning), a lifecycle rule for incomplete uploads, default encryption.
    # No default retention: moto's writes with one need a checksum New-BqBackup sends only with -LockMode
    # (another change); the newest backup is locked with awscli after it is written, as a default retention would.
    New-MotoBucket $moto -Name 'bqprotected' -ObjectLock -AbortIncompleteUploadDays 2 -Encryption | Out-Null
    New-MotoBucket $moto -Name 'bqbare' | Out-Null
    New-MotoBucket $moto -Name 'bqversioned' -Versioning | Out-Null
    $script:protectedBackup = New-BqBackup -Path $db -Destination 's3://bqprotected/prod/' @s3
    $until = [datetime]::UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
    Invoke-Aws $moto s3api put-object-retention --bucket bqprotected --key "prod/$($protectedBackup.Name)" --retention "Mode=GOVERNANCE,RetainUntilDate=$until" | Out-Null
    New-BqBackup -Path $db -Destination 's3://bqbare/prod/' @s3 | Out-Null
    New-BqBackup -Path $db -Destination 's3://bqversioned/prod/' @s3 | Out-Null
    function Get-Verdicts($Destination) {
        $map = [ordered]@{}
        foreach ($c in Test-BqBackupDestination -Destination $Destination @s3) { $map[$c.Check] = $c }
        $map
    }
}

AfterAll { Stop-MotoServer $moto }

Describe 'Test-BqBackupDestination on S3' {
    It 'a protected bucket passes every check, each with its value and reason' {
        $checks = @(Test-BqBackupDestination -Destination 's3://bqprotected/prod/' @s3)
        $checks.Check | Should -Be 'Versioning', 'ObjectLock', 'DefaultRetention', 'NewestBackupLocked', 'IncompleteUploadCleanup', 'DefaultEncryption'
        $checks | Where-Object Verdict -ne Pass | ForEach-Object { "$($_.Check): $($_.Reason)" } | Should -BeNullOrEmpty
        $v = Get-Verdicts 's3://bqprotected/prod/'
        $v.Versioning.Value | Should -Be 'Enabled'
        $v.NewestBackupLocked.Value | Should -Match '^GOVERNANCE until \d{4}-'
        $v.NewestBackupLocked.Reason | Should -Match ([regex]::Escape($protectedBackup.Name))
        $v.IncompleteUploadCleanup.Value | Should -Be '2 day(s)'
        $v.DefaultEncryption.Value | Should -Be 'AES256'
        $checks | ForEach-Object { $_.Destination | Should -Be 's3://bqprotected/prod/' }
    }

    It 'a bare bucket warns on versioning, the lock, retention, the newest backup, upload cleanup and encryption' {
        $v = Get-Verdicts 's3://bqbare/prod/'
        foreach ($check in 'Versioning', 'ObjectLock', 'DefaultRetention', 'NewestBackupLocked', 'IncompleteUploadCleanup', 'DefaultEncryption') { $v[$check].Verdict | Should -Be 'Warn' -Because $check }
        $v.Versioning.Value | Should -Be 'Off'
        $v.Versioning.Reason | Should -Match 'put-bucket-versioning'
        $v.NewestBackupLocked.Value | Should -Be 'not locked'
    }

    It 'versioning without Object Lock: versioning passes, the lock checks warn' {
        $v = Get-Verdicts 's3://bqversioned/prod/'
        $v.Versioning.Verdict | Should -Be 'Pass'
        $v.ObjectLock.Verdict | Should -Be 'Warn'
        $v.NewestBackupLocked.Verdict | Should -Be 'Warn'
    }

    It 'flips to Warn when versioning is suspended on a bucket that had it' {
        (Get-Verdicts 's3://bqversioned/prod/').Versioning.Verdict | Should -Be 'Pass'
        Invoke-Aws $moto s3api put-bucket-versioning --bucket bqversioned --versioning-configuration Status=Suspended | Out-Null
        try {
            $v = Get-Verdicts 's3://bqversioned/prod/'
            $v.Versioning.Verdict | Should -Be 'Warn'
            $v.Versioning.Value | Should -Be 'Suspended'
        }
        finally { Invoke-Aws $moto s3api put-bucket-versioning --bucket bqversioned --versioning-configuration Status=Enabled | Out-Null }
    }

    It 'flips to Warn when a newer backup is not locked, though the bucket locks (and Get-BqBackupStatus says so)' {
        (Get-BqBackupStatus -Destination 's3://bqprotected/prod/' @s3).Reasons -join "`n" | Should -Not -Match 'not locked'
        Start-Sleep -Milliseconds 1100
        $unlocked = New-BqBackup -Path $db -Destination 's3://bqprotected/prod/' @s3
        $v = Get-Verdicts 's3://bqprotected/prod/'
        $v.NewestBackupLocked.Verdict | Should -Be 'Warn'
        $v.NewestBackupLocked.Reason | Should -Match "'$([regex]::Escape($unlocked.Name))' is not locked although the bucket has Object Lock enabled"
        $v.DefaultRetention.Verdict | Should -Be 'Warn'
        $health = Get-BqBackupStatus -Destination 's3://bqprotected/prod/' @s3
        $health.Status | Should -Be 'Warning'
        $health.Reasons -join "`n" | Should -Match "the newest backup '$([regex]::Escape($unlocked.Name))' is not locked although the bucket has Object Lock enabled"
    }

    It 'Get-BqBackupStatus does not ask for a lock where the bucket has no Object Lock' {
        $health = Get-BqBackupStatus -Destination 's3://bqbare/prod/' @s3
        $health.Reasons -join "`n" | Should -Not -Match 'locked'
    }

    It 'a setting the credentials may not read warns and names the permission, without failing the others' {
        $limited = New-MotoUser $moto -Name 'backup-host' -Policy @{
            Version = '2012-10-17'
            Statement = @(
                @{ Effect = 'Allow'; Action = 's3:*'; Resource = '*' }
                @{ Effect = 'Deny'; Action = 's3:GetBucketVersioning'; Resource = '*' }
            )
        }
        $limitedS3 = $limited.Parameters
        $checks = @(Test-BqBackupDestination -Destination 's3://bqprotected/prod/' @limitedS3)
        $versioning = $checks | Where-Object Check -eq 'Versioning'
        $versioning.Verdict | Should -Be 'Warn'
        $versioning.Reason | Should -Match 'AccessDenied.*s3:GetBucketVersioning'
        ($checks | Where-Object Check -eq 'ObjectLock').Verdict | Should -Be 'Pass'
    }

    It 'a wrong secret is InvalidCredentials for that destination (non-terminating), naming no secret' {
        $bad = $s3.Clone(); $bad.SecretKey = 'Wrong-Posture-Secret'
        $errors = @()
        $out = Test-BqBackupDestination -Destination 's3://bqbare/prod/' @bad -ErrorVariable +errors -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidCredentials,BqBackup.Commands.TestBqBackupDestinationCommand'
        "$($errors[0])" | Should -Not -Match 'Wrong-Posture-Secret'
    }

    It 'fits 80 columns, grouped by destination, wrapped at word boundaries' {
        $table = Test-BqBackupDestination -Destination 's3://bqbare/prod/' @s3 | Format-Table | Out-String -Width 80
        $table | Should -Match 'Destination: s3://bqbare/prod/'
        $table | Should -Match 'Versioning\s+Warn\s+Off: a delete removes'
        $table -split '\r?\n' | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'Test-BqBackupDestination on a folder' {
    It 'says what applies: no versions, no lock (Warn), no multipart uploads (Pass), encryption only by age' {
        $folder = Join-Path $TestDrive 'folder'
        New-BqBackup -Path $db -Destination $folder | Out-Null
        $checks = @(Test-BqBackupDestination -Destination $folder)
        $checks | Should -HaveCount 6
        ($checks | Where-Object Check -eq 'Versioning').Verdict | Should -Be 'Warn'
        ($checks | Where-Object Check -eq 'Versioning').Reason | Should -Match 'a folder keeps no old versions'
        ($checks | Where-Object Check -eq 'ObjectLock').Verdict | Should -Be 'Warn'
        ($checks | Where-Object Check -eq 'IncompleteUploadCleanup').Verdict | Should -Be 'Pass'
        ($checks | Where-Object Check -eq 'DefaultEncryption').Verdict | Should -Be 'Warn'
        (Get-BqBackupStatus -Destination $folder).Reasons -join "`n" | Should -Not -Match 'locked'
    }
}
