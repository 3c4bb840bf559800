# S3 Object Lock and versioned buckets, on moto_server (which enforces locks and checks every
# signature): what a locked backup withstands from the module and from awscli signing with the same
# key, how expiry treats locks and versions, and the errors. One server for the file.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:moto = Start-MotoServer -Root $TestDrive
    $script:s3 = $moto.Parameters
    New-MotoBucket $moto -Name 'locked' -ObjectLock | Out-Null
    New-MotoBucket $moto -Name 'versioned' -Versioning | Out-Null
    New-MotoBucket $moto -Name 'plain' | Out-Null
    New-MotoBucket $moto -Name 'bydefault' -ObjectLock -LockMode GOVERNANCE -LockDays 2 | Out-Null
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 200 | Out-Null

    # Every version and delete marker under a prefix, as awscli sees them.
    function script:Get-Versions([string] $Bucket, [string] $Prefix) {
        $listing = Invoke-Aws $moto s3api list-object-versions --bucket $Bucket --prefix $Prefix --output json | Out-String | ConvertFrom-Json
        [pscustomobject]@{ Versions = @($listing.Versions | Where-Object { $_ }); DeleteMarkers = @($listing.DeleteMarkers | Where-Object { $_ }) }
    }
    function script:Get-Head([string] $Bucket, [string] $Key) {
        Invoke-Aws $moto s3api head-object --bucket $Bucket --key $Key --output json | Out-String | ConvertFrom-Json
    }
}

AfterAll { Stop-MotoServer $moto }

Describe 'A locked backup withstands deletion and overwriting' {
    It 'COMPLIANCE: body and sidecar carry the lock; neither the module nor awscli (same key, with or without the bypass) deletes a version, and an overwrite leaves the locked bytes' {
        $dest = 's3://locked/compliance/'
        $backup = New-BqBackup -Path $db -Destination $dest @s3 -LockMode Compliance -LockDays 1
        $backup.LockMode | Should -Be 'Compliance'
        $backup.LockedUntil | Should -BeGreaterThan ([datetime]::UtcNow.AddHours(23))
        (Get-BqBackup -Destination $dest @s3).LockedUntil | Should -Be $backup.LockedUntil
        $heads = @{}
        foreach ($key in "compliance/$($backup.Name)", "compliance/$($backup.Name).meta.json") {
            $head = $heads[$key] = Get-Head locked $key
            $head.ObjectLockMode | Should -Be 'COMPLIANCE'
            ([datetimeoffset]$head.ObjectLockRetainUntilDate).UtcDateTime | Should -Be $backup.LockedUntil
            { Invoke-Aws $moto s3api delete-object --bucket locked --key $key --version-id $head.VersionId } | Should -Throw '*AccessDenied*'
            if ($key -notlike '*.meta.json') { { Invoke-Aws $moto s3api delete-object --bucket locked --key $key --version-id $head.VersionId --bypass-governance-retention } | Should -Throw '*AccessDenied*' }
        }
        foreach ($bypass in $false, $true) {
            $e = { Remove-BqBackup -Destination $dest -Name $backup.Name @s3 -BypassGovernanceRetention:$bypass -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be 'ObjectLocked,BqBackup.Commands.RemoveBqBackupCommand'
            $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e.ErrorDetails.RecommendedAction | Should -Match 'Compliance'
        }
        # An attacker's overwrite only adds a version: the locked one keeps its bytes.
        $junk = Join-Path $TestDrive 'junk.bin'; [IO.File]::WriteAllBytes($junk, [byte[]](1..64))
        $locked = $heads["compliance/$($backup.Name)"].VersionId
        Invoke-Aws $moto s3 cp $junk "s3://locked/compliance/$($backup.Name)" | Out-Null
        $kept = Join-Path $TestDrive 'kept.db.gz'
        Invoke-Aws $moto s3api get-object --bucket locked --key "compliance/$($backup.Name)" --version-id $locked $kept | Out-Null
        (Get-Item $kept).Length | Should -Be $backup.Size
        (Get-FileHash -Algorithm SHA256 $kept).Hash | Should -Not -Be (Get-FileHash -Algorithm SHA256 $junk).Hash
    }

    It 'GOVERNANCE: refused without the bypass (module and awscli); -BypassGovernanceRetention removes every version' {
        $dest = 's3://locked/governance/'
        $backup = New-BqBackup -Path $db -Destination $dest @s3 -LockMode Governance -LockDays 1
        $head = Get-Head locked "governance/$($backup.Name)"
        $head.ObjectLockMode | Should -Be 'GOVERNANCE'
        { Invoke-Aws $moto s3api delete-object --bucket locked --key "governance/$($backup.Name)" --version-id $head.VersionId } | Should -Throw '*AccessDenied*'
        $e = { Remove-BqBackup -Destination $dest -Name $backup.Name @s3 -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'ObjectLocked,BqBackup.Commands.RemoveBqBackupCommand'
        $e.ErrorDetails.RecommendedAction | Should -Match 'BypassGovernanceRetention'
        (Get-BqBackup -Destination $dest @s3).Name | Should -Be $backup.Name
        Remove-BqBackup -Destination $dest -Name $backup.Name @s3 -BypassGovernanceRetention -Confirm:$false
        Get-BqBackup -Destination $dest @s3 | Should -BeNullOrEmpty
        $left = Get-Versions locked "governance/$($backup.Name)"
        $left.Versions | Should -BeNullOrEmpty
        $left.DeleteMarkers | Should -BeNullOrEmpty
    }

    It 'a governance bypass the credentials may not use is GovernanceBypassDenied, and the backup stays' {
        # moto does not evaluate s3:BypassGovernanceRetention; denying version deletes refuses the same request (DELETE ?versionId with the bypass header).
        $limited = New-MotoUser $moto -Name 'nobypass' -Policy @{ Version = '2012-10-17'; Statement = @(
            @{ Effect = 'Allow'; Action = 's3:*'; Resource = '*' },
            @{ Effect = 'Deny'; Action = @('s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'); Resource = '*' }) }
        $dest = 's3://locked/nobypass/'
        $backup = New-BqBackup -Path $db -Destination $dest @s3 -LockMode Governance -LockDays 1
        $p = $limited.Parameters
        $e = { Remove-BqBackup -Destination $dest -Name $backup.Name @p -BypassGovernanceRetention -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'GovernanceBypassDenied,BqBackup.Commands.RemoveBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e.ErrorDetails.RecommendedAction | Should -Match 's3:BypassGovernanceRetention'
        "$e" | Should -Not -Match ([regex]::Escape($limited.SecretKey))
        (Get-BqBackup -Destination $dest @s3).Name | Should -Be $backup.Name
    }

    It 'a bucket whose default retention locks every object needs no parameter: the lock is read back and reported' {
        $backup = New-BqBackup -Path $db -Destination 's3://bydefault/' @s3
        $backup.LockMode | Should -Be 'Governance'
        $backup.LockedUntil | Should -BeGreaterThan ([datetime]::UtcNow.AddDays(1.9))
        (Get-BqBackup -Destination 's3://bydefault/' @s3).LockMode | Should -Be 'Governance'
        (Get-Head bydefault "$($backup.Name).meta.json").ObjectLockMode | Should -Be 'GOVERNANCE'
    }
}

Describe 'Expiry on locked and versioned buckets' {
    It 'keeps a locked backup no rule keeps, says until when, and removes it every version on the first run after its lock' {
        $dest = 's3://locked/expiry/'
        $old = New-BqBackup -Path $db -Destination $dest @s3 -LockMode Governance -LockUntil ([datetime]::UtcNow.AddSeconds(4))
        Start-Sleep -Milliseconds 1100
        $new = New-BqBackup -Path $db -Destination $dest @s3
        $decision = Get-BqBackupRetention -Destination $dest @s3 -KeepLast 1 | Where-Object Name -eq $old.Name
        $decision.Action | Should -Be 'Keep'
        $decision.KeptByLock | Should -BeTrue
        $decision.Reason | Should -Match "locked \(Governance\) until $([regex]::Escape($old.LockedUntil.ToString('yyyy-MM-dd HH:mm:ss'))) UTC"
        Remove-BqBackupExpired -Destination $dest @s3 -KeepLast 1 -PurgeVersions -PassThru | Should -BeNullOrEmpty
        (Get-BqBackup -Destination $dest @s3).Name | Should -Be $new.Name, $old.Name
        Start-Sleep -Seconds 4
        (Remove-BqBackupExpired -Destination $dest @s3 -KeepLast 1 -PurgeVersions -PassThru).Name | Should -Be $old.Name
        (Get-BqBackup -Destination $dest @s3).Name | Should -Be $new.Name
        $left = Get-Versions locked "expiry/$($old.Name)"
        $left.Versions | Should -BeNullOrEmpty
        $left.DeleteMarkers | Should -BeNullOrEmpty
    }

    It 'on a versioned bucket says it hid (not removed) what it expired, -WhatIf says so first, and -PurgeVersions removes the versions of what it expires' {
        $dest = 's3://versioned/hide/'
        $names = foreach ($i in 1..3) { (New-BqBackup -Path $db -Destination $dest @s3).Name; Start-Sleep -Milliseconds 1100 }
        Remove-BqBackupExpired -Destination $dest @s3 -KeepLast 2 -WhatIf
        (Get-BqBackup -Destination $dest @s3).Count | Should -Be 3
        $warnings = @()
        # The ShouldProcess text (what -WhatIf and -Confirm show) says what the delete does here.
        $said = Remove-BqBackupExpired -Destination $dest @s3 -KeepLast 2 -Verbose -WarningVariable +warnings -WarningAction SilentlyContinue 4>&1 | Out-String
        $said | Should -Match "Performing the operation `"Hide backup behind a delete marker \(versioned bucket: its data stays as a noncurrent version\).*$([regex]::Escape($names[0]))"
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match '1 expired backup\(s\) .* hidden by delete markers, not removed'
        $hidden = Get-Versions versioned "hide/$($names[0])"
        @($hidden.Versions | Where-Object Key -eq "hide/$($names[0])") | Should -HaveCount 1
        @($hidden.DeleteMarkers | Where-Object Key -eq "hide/$($names[0])") | Should -HaveCount 1

        $verbose = Remove-BqBackupExpired -Destination $dest @s3 -KeepLast 1 -PurgeVersions -Verbose -WarningVariable +warnings 4>&1 | Out-String
        $verbose | Should -Match 'Performing the operation "Remove backup and every version of it no lock protects'
        $verbose | Should -Match "Removed '$([regex]::Escape($names[1]))'"
        $warnings | Should -HaveCount 1
        $purged = Get-Versions versioned "hide/$($names[1])"
        $purged.Versions | Should -BeNullOrEmpty
        $purged.DeleteMarkers | Should -BeNullOrEmpty
        # What an earlier run only hid stays recoverable: -PurgeVersions touches only what it expires now.
        @((Get-Versions versioned "hide/$($names[0])").Versions) | Should -Not -BeNullOrEmpty
    }

    It '-ExtendLock moves the lock of the long-term keepers (body and sidecar) and never shortens one' {
        $dest = 's3://locked/extend/'
        $backup = New-BqBackup -Path $db -Destination $dest @s3 -LockMode Governance -LockDays 1
        Remove-BqBackupExpired -Destination $dest @s3 -KeepMonthly 1 -ExtendLock -LockDays 3
        foreach ($key in "extend/$($backup.Name)", "extend/$($backup.Name).meta.json") {
            $head = Get-Head locked $key
            $head.ObjectLockMode | Should -Be 'GOVERNANCE'
            ([datetimeoffset]$head.ObjectLockRetainUntilDate).UtcDateTime | Should -BeGreaterThan ([datetime]::UtcNow.AddDays(2.9))
        }
        $extended = (Get-BqBackup -Destination $dest @s3).LockedUntil
        Remove-BqBackupExpired -Destination $dest @s3 -KeepMonthly 1 -ExtendLock -LockDays 1
        (Get-BqBackup -Destination $dest @s3).LockedUntil | Should -Be $extended
    }
}

Describe 'Lock errors' {
    It 'a lock asked of a bucket without Object Lock is ObjectLockNotEnabled and no backup object is written' {
        $e = { New-BqBackup -Path $db -Destination 's3://plain/x/' @s3 -LockMode Compliance -LockDays 1 -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'ObjectLockNotEnabled,BqBackup.Commands.NewBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $e.ErrorDetails.RecommendedAction | Should -Match 'object-lock-enabled-for-bucket'
        (Get-Versions plain 'x/').Versions | Where-Object Key -like 'x/backup-*' | Should -BeNullOrEmpty
        Get-BqBackup -Destination 's3://plain/x/' @s3 | Should -BeNullOrEmpty
    }

    It 'half-given or impossible lock settings, and a lock on a folder, are InvalidLockSetting before anything runs' {
        $folder = Join-Path $TestDrive 'folder'; New-Item -ItemType Directory $folder | Out-Null
        $cases = @(
            @{ Args = @{ Destination = 's3://locked/bad/'; LockDays = 3 } + $s3; Text = 'need -LockMode' },
            @{ Args = @{ Destination = 's3://locked/bad/'; LockMode = 'Governance' } + $s3; Text = 'needs how long' },
            @{ Args = @{ Destination = 's3://locked/bad/'; LockMode = 'Governance'; LockUntil = [datetime]::UtcNow.AddDays(-1) } + $s3; Text = 'not in the future' },
            @{ Args = @{ Destination = $folder; LockMode = 'Governance'; LockDays = 1 }; Text = 'folder' })
        foreach ($case in $cases) {
            $a = $case.Args
            $e = { New-BqBackup -Path $db @a -ErrorAction Stop } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be 'InvalidLockSetting,BqBackup.Commands.NewBqBackupCommand'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            "$e" | Should -Match $case.Text
        }
        Get-ChildItem $folder | Should -BeNullOrEmpty
        (Get-Versions locked 'bad/').Versions | Should -BeNullOrEmpty
        $e = { Remove-BqBackupExpired -Destination 's3://locked/bad/' @s3 -KeepLast 1 -LockDays 3 -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'InvalidLockSetting,BqBackup.Commands.RemoveBqBackupExpiredCommand'
    }

    It 'BQBACKUP_LOCK_MODE and BQBACKUP_LOCK_DAYS lock an unattended run' {
        $backup = Invoke-WithEnvironment @{ BQBACKUP_LOCK_MODE = 'Compliance'; BQBACKUP_LOCK_DAYS = '2' } { New-BqBackup -Path $db -Destination 's3://locked/env/' @s3 }
        $backup.LockMode | Should -Be 'Compliance'
        (Get-Head locked "env/$($backup.Name)").ObjectLockMode | Should -Be 'COMPLIANCE'
        $backup.LockedUntil | Should -BeGreaterThan ([datetime]::UtcNow.AddDays(1.9))
    }
}
