# Pipelines as an operator who lives in dbatools and AWS.Tools types them: CSV files in, objects
# across two cmdlets against s3rver with no S3 parameter typed twice, one bad row never stopping the
# rest, errors by FullyQualifiedErrorId, and the S3 parameters as AWS.Tools names and types them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 40 | Out-Null
    $script:server = Start-S3Server -Bucket 'bqpipe' -Root $TestDrive
    # A profile file of its own, so nothing of this machine's ~/.aws is read or needed.
    $script:profiles = Join-Path $TestDrive 'aws-credentials'
    Set-Content -LiteralPath $profiles -Value "[pipe]`naws_access_key_id = S3RVER`naws_secret_access_key = S3RVER`n`n[other]`naws_access_key_id = NOPE`naws_secret_access_key = NOPE-SECRET-NEVER-SHOWN"
    # The S3 parameters of the left-hand side; the right-hand side never repeats them.
    $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'eu-west-1'; ProfileName = 'pipe'; ProfileLocation = $profiles }
    $script:noS3 = @{ S3_BUCKET = $null; AWS_BUCKET = $null; S3_ENDPOINT = $null; AWS_ENDPOINT = $null; S3_ACCESS_KEY_ID = $null; AWS_ACCESS_KEY_ID = $null;
        S3_SECRET_ACCESS_KEY = $null; AWS_SECRET_ACCESS_KEY = $null; S3_REGION = $null; AWS_REGION = $null }

    # Runs a pipeline as an operator would with -ErrorAction SilentlyContinue, whatever the runner's
    # $ErrorActionPreference, and returns its output, its -ErrorVariable and whether it terminated.
    function Invoke-Operator([scriptblock] $Pipeline) {
        $ErrorActionPreference = 'Continue'
        $global:BqPipeEv = $null
        $result = [pscustomobject]@{ Output = @(); Errors = @(); Terminated = $null }
        try { $result.Output = @(& $Pipeline) } catch { $result.Terminated = $_ }
        $result.Errors = @($global:BqPipeEv | Where-Object { $_ })
        $result
    }
    function Get-ErrorId($Record) { ($Record.FullyQualifiedErrorId -split ',')[0] }
}

AfterAll { Stop-S3Server $server; Remove-Variable -Name BqPipeEv -Scope Global -ErrorAction Ignore }

Describe 'Objects carry their store' {
    BeforeAll {
        $script:backups = Invoke-WithEnvironment $noS3 {
            New-BqBackup -Path $db -Destination 's3://bqpipe/carry/' @s3
            New-BqBackup -Path $db -Destination 's3://bqpipe/carry/' @s3
        }
    }

    It 'a BackupInfo from S3 carries the endpoint, region, path style and profile it was reached with' {
        $b = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest }
        $b.StoreSettings | Should -BeOfType ([BqBackup.Storage.StoreSettings])
        $b.StoreSettings.EndpointUrl | Should -Be $server.Endpoint
        $b.StoreSettings.Region | Should -Be 'eu-west-1'
        $b.StoreSettings.ForcePathStyle | Should -BeTrue
        $b.StoreSettings.ProfileName | Should -Be 'pipe'
        $b.StoreSettings.ProfileLocation | Should -Be $profiles
        $backups[0].StoreSettings | Should -Be $b.StoreSettings
    }

    It 'Get-BqBackup -Latest | Restore-BqBackup -Path db restores from S3 without the S3 parameters again' {
        $target = Join-Path $TestDrive 'carried-restore.db'
        $result = Invoke-WithEnvironment $noS3 {
            Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest | Restore-BqBackup -Path $target -Confirm:$false
        }
        $result.ChecksumVerified | Should -BeTrue
        Get-FileSha256 $target | Should -Be $backups[1].Sha256
    }

    It 'Get-BqBackup | Test-BqBackup tests every backup in its own store' {
        $results = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 | Test-BqBackup }
        $results | Should -HaveCount 2
        $results.Passed | Should -Be @($true, $true)
    }

    It 'New-BqBackup | Test-BqBackup tests the backup just made, in S3' {
        $result = Invoke-WithEnvironment $noS3 { New-BqBackup -Path $db -Destination 's3://bqpipe/fresh/' @s3 | Test-BqBackup }
        $result.Passed | Should -BeTrue
    }

    It 'Get-BqBackup | Remove-BqBackupExpired narrows to the piped backups in their own store' {
        $dest = 's3://bqpipe/expire/'
        Invoke-WithEnvironment $noS3 { 1..3 | ForEach-Object { New-BqBackup -Path $db -Destination $dest @s3 | Out-Null; Start-Sleep -Milliseconds 1100 } }
        $removed = Invoke-WithEnvironment $noS3 {
            Get-BqBackup -Destination $dest @s3 | Select-Object -Last 1 | Remove-BqBackupExpired -KeepLast 1 -Confirm:$false -PassThru
        }
        $removed | Should -HaveCount 1
        (Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination $dest @s3 }) | Should -HaveCount 2
    }

    It 'S3 parameters given on the right still win' {
        $b = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest }
        $e = Invoke-WithEnvironment $noS3 { try { $b | Test-BqBackup -ProfileName 'no-such-profile' -ErrorAction Stop; $null } catch { $_ } }
        Get-ErrorId $e | Should -Be 'InvalidCredentials'
        $e.Exception.Message | Should -Match 'no-such-profile'
    }

    It 'credentials are resolved again on the right, through the same chain (here bunqueue''s S3_* variables)' {
        $b = Get-BqBackup -Destination 's3://bqpipe/carry/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey S3RVER -Latest
        $b.StoreSettings.ProfileName | Should -BeNullOrEmpty
        $withKeys = $noS3.Clone(); $withKeys.S3_ACCESS_KEY_ID = 'S3RVER'; $withKeys.S3_SECRET_ACCESS_KEY = 'S3RVER'
        $result = Invoke-WithEnvironment $withKeys { $b | Test-BqBackup }
        $result.Passed | Should -BeTrue
    }

    It 'no secret and no session token on the object, in its JSON or in Format-List * -Force' {
        $secret = 'pIpE-SeCrEt-4d1e-never-shown'
        $token = 'pIpE-ToKeN-9a7c-never-shown'
        $b = Invoke-WithEnvironment $noS3 {
            New-BqBackup -Path $db -Destination 's3://bqpipe/secret/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey $secret -SessionToken $token
        }
        $listed = Invoke-WithEnvironment $noS3 {
            Get-BqBackup -Destination 's3://bqpipe/secret/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey (ConvertTo-SecureString $secret -AsPlainText -Force) -SessionToken $token
        }
        foreach ($o in @($b, $listed)) {
            $o.StoreSettings.EndpointUrl | Should -Be $server.Endpoint
            $text = ($o | ConvertTo-Json -Depth 5) + ($o | Format-List * -Force | Out-String -Width 400) + ($o.StoreSettings | Format-List * -Force | Out-String) + "$($o.StoreSettings)"
            $text | Should -Not -Match $secret
            $text | Should -Not -Match $token
            $text | Should -Not -Match 'S3RVER'
        }
        $o.PSObject.Properties.Name | Should -Not -Contain 'SecretKey'
        [BqBackup.Storage.StoreSettings].GetProperties().Name | Should -Be @('EndpointUrl', 'Region', 'ForcePathStyle', 'ProfileName', 'ProfileLocation')
    }

    It 'Get-BqBackup -Latest | Test-BqBackup -Latest / -All reopens the same store without the S3 parameters again' {
        $results = Invoke-WithEnvironment $noS3 {
            Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest | Test-BqBackup -Latest -ErrorAction Stop
            Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest | Test-BqBackup -All -ErrorAction Stop
        }
        $results | Should -HaveCount 3
        $results.Passed | Should -Be @($true, $true, $true)
        $results[0].Name | Should -Be $backups[1].Name
    }

    It 'Get-BqBackup -Latest | Get-BqBackup and | Get-BqBackupStatus take Destination and StoreSettings by property name' {
        $listed, $health = Invoke-WithEnvironment $noS3 {
            $latest = Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest
            , @($latest | Get-BqBackup -ErrorAction Stop)
            $latest | Get-BqBackupStatus -ErrorAction Stop
        }
        @($listed.Name) | Should -Be @($backups[1].Name, $backups[0].Name)
        $health.BackupCount | Should -Be 2
        $health.LastBackupName | Should -Be $backups[1].Name
    }

    It 'rows of Export-Csv and objects of ConvertTo-Json reopen the same store too' {
        $csv = Join-Path $TestDrive 'carried.csv'
        Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest | Export-Csv -LiteralPath $csv }
        $json = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/carry/' @s3 -Latest | ConvertTo-Json -Depth 5 }
        $results = Invoke-WithEnvironment $noS3 {
            Import-Csv -LiteralPath $csv | Test-BqBackup -Latest -ErrorAction Stop
            $json | ConvertFrom-Json | Get-BqBackupStatus -ErrorAction Stop
        }
        $results[0].Passed | Should -BeTrue
        $results[1].BackupCount | Should -Be 2
    }

    It 'a StoreSettings column that is not BqBackup''s is InvalidStoreSettings for that row, and the next row still runs' {
        $rows = @(
            [pscustomobject]@{ Destination = 's3://bqpipe/carry/'; StoreSettings = 'not settings at all' }
            [pscustomobject]@{ Destination = 's3://bqpipe/carry/'; StoreSettings = "endpoint $($server.Endpoint), region eu-west-1, path-style, profile pipe from $profiles" }
        )
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { $rows | Get-BqBackupStatus -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0].BackupCount | Should -Be 2
        $r.Errors | Should -HaveCount 1
        Get-ErrorId $r.Errors[0] | Should -Be 'InvalidStoreSettings'
        $r.Errors[0].Exception.Message | Should -Match 'not settings at all'
    }

    It 'a folder backup carries no settings' {
        (New-BqBackup -Path $db -Destination (Join-Path $TestDrive 'plain')).StoreSettings | Should -BeNullOrEmpty
    }
}

Describe 'One bad item never stops everything' {
    BeforeAll {
        $script:good1 = Join-Path $TestDrive 'good1'
        $script:good2 = Join-Path $TestDrive 'good2'
        $script:g1 = New-BqBackup -Path $db -Destination $good1
        $script:g2 = New-BqBackup -Path $db -Destination $good2
        $script:dests = Join-Path $TestDrive 'dests.csv'
        @(
            [pscustomobject]@{ Destination = $good1 }
            [pscustomobject]@{ Destination = (Join-Path $TestDrive 'no-such-folder') }
            [pscustomobject]@{ Destination = 's3://bqpipe/unreachable/' }
            [pscustomobject]@{ Destination = $good2 }
        ) | Export-Csv -LiteralPath $dests -NoTypeInformation
        # Nothing answers on this port: EndpointUnreachable, quickly.
        $script:deadEndpoint = "http://127.0.0.1:$(Get-FreeTcpPort)"
    }

    It 'Import-Csv dests.csv | Get-BqBackup lists every good destination and reports each bad one' {
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { Import-Csv $dests | Get-BqBackup -EndpointUrl $deadEndpoint -AccessKey S3RVER -SecretKey S3RVER -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Output.Name | Should -Be @($g1.Name, $g2.Name)
        @($r.Errors | ForEach-Object { $_.FullyQualifiedErrorId }) | Should -Be @('DestinationNotFound,BqBackup.Commands.GetBqBackupCommand', 'EndpointUnreachable,BqBackup.Commands.GetBqBackupCommand')
    }

    It 'Import-Csv dests.csv | Get-BqBackupStatus checks each destination; -ErrorAction SilentlyContinue silences the bad ones' {
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { Import-Csv $dests | Get-BqBackupStatus -EndpointUrl $deadEndpoint -AccessKey S3RVER -SecretKey S3RVER -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 2
        $r.Output.Destination | Should -Be @($good1, $good2)
        $r.Errors | Should -HaveCount 2
        Get-ErrorId $r.Errors[0] | Should -Be 'DestinationNotFound'
    }

    It 'Import-Csv dests.csv | Test-BqBackup -Latest tests the newest backup of each good destination' {
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { Import-Csv $dests | Test-BqBackup -Latest -EndpointUrl $deadEndpoint -AccessKey S3RVER -SecretKey S3RVER -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Output.Name | Should -Be @($g1.Name, $g2.Name)
        $r.Output.Passed | Should -Be @($true, $true)
        $r.Errors | Should -HaveCount 2
    }

    It '… | Test-BqBackup -ErrorAction SilentlyContinue goes on past a backup that is gone' {
        $dest = Join-Path $TestDrive 'gone'
        $a = New-BqBackup -Path $db -Destination $dest
        Start-Sleep -Milliseconds 1100
        $b = New-BqBackup -Path $db -Destination $dest
        $listed = Get-BqBackup -Destination $dest
        Remove-Item (Join-Path $dest $b.Name)
        $r = Invoke-Operator { $listed | Test-BqBackup -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Output.Name | Should -Contain $a.Name
        ($r.Output | Where-Object Name -eq $a.Name).Passed | Should -BeTrue
    }

    It 'Get-BqBackup -Name with a missing name among good ones: BackupNotFound for it, the rest listed' {
        $r = Invoke-Operator { Get-BqBackup -Destination $good1 -Name 'backup-1999-01-01T00-00-00.db.gz', $g1.Name -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output.Name | Should -Be $g1.Name
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.GetBqBackupCommand'
    }

    It 'Import-Csv dests.csv | Get-BqBackupRetention -KeepLast 1 judges each destination and reports the bad ones' {
        # The preview of Remove-BqBackupExpired: -WhatIf only prints "What if"; the decisions as objects are Get-BqBackupRetention's.
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { Import-Csv $dests | Get-BqBackupRetention -KeepLast 1 -EndpointUrl $deadEndpoint -AccessKey S3RVER -SecretKey S3RVER -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        @($r.Output | Where-Object { $_ -is [BqBackup.Retention.RetentionDecision] }).Name | Should -Be @($g1.Name, $g2.Name)
        $r.Errors | Should -HaveCount 2
        Get-ErrorId $r.Errors[1] | Should -Be 'EndpointUnreachable'
    }

    It 'a bad argument still stops the command at once: InvalidNamePattern, InvalidRetention, DestinationConflict' {
        $r = Invoke-Operator { Import-Csv $dests | Get-BqBackup -Name 'backup-[' -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output | Should -BeNullOrEmpty
        $r.Terminated.FullyQualifiedErrorId | Should -Be 'InvalidNamePattern,BqBackup.Commands.GetBqBackupCommand'
        $r = Invoke-Operator { Import-Csv $dests | Remove-BqBackupExpired -KeepLast 0 -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Terminated.FullyQualifiedErrorId | Should -Be 'InvalidRetention,BqBackup.Commands.RemoveBqBackupExpiredCommand'
        $r = Invoke-Operator { Get-BqBackup -Destination $good1 -BucketName bqpipe -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Terminated.FullyQualifiedErrorId | Should -Be 'DestinationConflict,BqBackup.Commands.GetBqBackupCommand'
    }
}

Describe 'By property name' {
    It 'Import-Csv hosts.csv | New-BqBackup backs up each row''s Path into its Destination, past a bad row' {
        $hosts = Join-Path $TestDrive 'hosts.csv'
        $d1 = Join-Path $TestDrive 'host-a'; $d2 = Join-Path $TestDrive 'host-b'
        @(
            [pscustomobject]@{ Path = $db; Destination = $d1 }
            [pscustomobject]@{ Path = (Join-Path $TestDrive 'missing.db'); Destination = $d1 }
            [pscustomobject]@{ Path = $db; Destination = $d2 }
        ) | Export-Csv -LiteralPath $hosts -NoTypeInformation
        $r = Invoke-Operator { Import-Csv $hosts | New-BqBackup -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output.Destination | Should -Be @($d1, $d2)
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'DatabaseNotFound,BqBackup.Commands.NewBqBackupCommand'
        @(Get-BqBackup -Destination $d2) | Should -HaveCount 1
    }

    It 'Import-Csv names.csv | Test-BqBackup tests each named backup (columns Destination, Name)' {
        $dest = Join-Path $TestDrive 'named'
        $b = New-BqBackup -Path $db -Destination $dest
        $names = Join-Path $TestDrive 'names.csv'
        @([pscustomobject]@{ Destination = $dest; Name = $b.Name }, [pscustomobject]@{ Destination = $dest; Name = 'backup-1999-01-01T00-00-00.db.gz' }) |
            Export-Csv -LiteralPath $names -NoTypeInformation
        $r = Invoke-Operator { Import-Csv $names | Test-BqBackup -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output.Name | Should -Be $b.Name
        $r.Output.Passed | Should -BeTrue
        $r.Output.ChecksumVerified | Should -BeTrue
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.TestBqBackupCommand'
    }

    It 'Import-Csv restores.csv | Restore-BqBackup restores each row (Path, Destination, Name), past a bad row' {
        $dest = Join-Path $TestDrive 'plan'
        $b = New-BqBackup -Path $db -Destination $dest
        $plan = Join-Path $TestDrive 'restores.csv'
        $t1 = Join-Path $TestDrive 'plan-1.db'; $t2 = Join-Path $TestDrive 'plan-2.db'
        @([pscustomobject]@{ Path = $t1; Destination = $dest; Name = 'backup-1999-01-01T00-00-00.db.gz' }, [pscustomobject]@{ Path = $t2; Destination = $dest; Name = $b.Name }) |
            Export-Csv -LiteralPath $plan -NoTypeInformation
        $r = Invoke-Operator { Import-Csv $plan | Restore-BqBackup -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output.Path | Should -Be $t2
        Get-FileSha256 $t2 | Should -Be $b.Sha256
        $t1 | Should -Not -Exist
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'BackupNotFound,BqBackup.Commands.RestoreBqBackupCommand'
    }

    It 'two rows restoring into one Path are refused before anything is touched' {
        $dest = Join-Path $TestDrive 'plan2'
        New-BqBackup -Path $db -Destination $dest | Out-Null
        $plan = Join-Path $TestDrive 'restores2.csv'
        $t = Join-Path $TestDrive 'plan-same.db'
        @([pscustomobject]@{ Path = $t; Destination = $dest }, [pscustomobject]@{ Path = $t; Destination = $dest }) | Export-Csv -LiteralPath $plan -NoTypeInformation
        $r = Invoke-Operator { Import-Csv $plan | Restore-BqBackup -Latest -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Terminated.FullyQualifiedErrorId | Should -Be 'MultipleBackupsForOneTarget,BqBackup.Commands.RestoreBqBackupCommand'
        $t | Should -Not -Exist
    }

    It '-Destination takes pipeline input by property name on every cmdlet that has it; -Name on Test and Restore; -Path on Restore' {
        foreach ($name in 'New-BqBackup', 'Get-BqBackup', 'Get-BqBackupStatus', 'Test-BqBackup', 'Restore-BqBackup', 'Remove-BqBackupExpired') {
            $p = (Get-Command $name).Parameters['Destination']
            @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName }) | Should -Not -BeNullOrEmpty -Because "$name -Destination"
        }
        foreach ($pair in @('Test-BqBackup', 'Name'), @('Restore-BqBackup', 'Name'), @('Restore-BqBackup', 'Path'), @('New-BqBackup', 'Path'), @('New-BqBackup', 'LiteralPath')) {
            $p = (Get-Command $pair[0]).Parameters[$pair[1]]
            @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName }) | Should -Not -BeNullOrEmpty -Because "$($pair[0]) -$($pair[1])"
        }
    }
}

Describe 'No silent no-ops' {
    BeforeAll {
        $script:kept = Join-Path $TestDrive 'kept'
        New-BqBackup -Path $db -Destination $kept | Out-Null
        Start-Sleep -Milliseconds 1100
        New-BqBackup -Path $db -Destination $kept | Out-Null
        $script:destsOnly = Join-Path $TestDrive 'dests-only.csv'
        [pscustomobject]@{ Destination = $kept } | Export-Csv -LiteralPath $destsOnly -NoTypeInformation
        $script:namesOnly = Join-Path $TestDrive 'names-only.csv'
        [pscustomobject]@{ Name = 'backup-2026-01-01T00-00-00.db.gz' } | Export-Csv -LiteralPath $namesOnly -NoTypeInformation
    }

    It 'Import-Csv dests.csv | Remove-BqBackupExpired -KeepLast 1 -PassThru expires that destination (it says what it removes)' {
        $r = Invoke-Operator { Import-Csv $destsOnly | Remove-BqBackupExpired -KeepLast 1 -Confirm:$false -PassThru -ErrorVariable global:BqPipeEv }
        $r.Output | Should -HaveCount 1
        $r.Errors | Should -BeNullOrEmpty
        @(Get-BqBackup -Destination $kept) | Should -HaveCount 1
    }

    It 'Import-Csv dests.csv | Test-BqBackup (no Name column): InputObjectIncomplete naming Name, never UnsafeKey' {
        $r = Invoke-Operator { Import-Csv $destsOnly | Test-BqBackup -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InputObjectIncomplete,BqBackup.Commands.TestBqBackupCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].TargetObject | Should -Be 'Name'
        $r.Errors[0].Exception.Message | Should -Match '\bName\b'
    }

    It 'Import-Csv names.csv | Remove-BqBackupExpired (no Destination column): InputObjectIncomplete naming Destination' {
        $r = Invoke-Operator { Import-Csv $namesOnly | Remove-BqBackupExpired -KeepLast 1 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InputObjectIncomplete,BqBackup.Commands.RemoveBqBackupExpiredCommand'
        $r.Errors[0].TargetObject | Should -Be 'Destination'
    }

    It 'Import-Csv dests.csv | Restore-BqBackup -Path db (no Name column) is an error naming Name, and restores nothing' {
        $target = Join-Path $TestDrive 'never.db'
        $r = Invoke-Operator { Import-Csv $destsOnly | Restore-BqBackup -Path $target -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].Exception.Message | Should -Match '\bName\b'
        $target | Should -Not -Exist
    }
}

Describe 'Paths as Get-Item reads them' {
    BeforeAll {
        $script:srv = Join-Path $TestDrive 'srv'
        foreach ($h in 'a', 'b') { New-Item -ItemType Directory (Join-Path $srv $h) | Out-Null; Copy-Item $db (Join-Path $srv "$h/queue.db") }
        $script:bracket = Join-Path $srv 'odd[1]'
        [IO.Directory]::CreateDirectory($bracket) | Out-Null
        [IO.File]::Copy($db, (Join-Path $bracket 'queue.db'))
    }

    It '-Path expands wildcards through the provider' {
        $out = New-BqBackup -Path (Join-Path $srv '?/queue.db') -Destination (Join-Path $TestDrive 'wild')
        @($out.SourcePath | Sort-Object) | Should -Be @((Join-Path $srv 'a/queue.db'), (Join-Path $srv 'b/queue.db'))
    }

    It 'a wildcard matching nothing is DatabaseNotFound naming it' {
        $pattern = Join-Path $srv 'nothing-*/queue.db'
        $r = Invoke-Operator { New-BqBackup -Path $pattern -Destination (Join-Path $TestDrive 'wild-none') -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'DatabaseNotFound,BqBackup.Commands.NewBqBackupCommand'
        $r.Errors[0].TargetObject | Should -Be $pattern
        $r.Errors[0].Exception.Message | Should -Match ([regex]::Escape($pattern))
    }

    It '-LiteralPath takes [ ] as written, and Get-ChildItem output binds to it (alias PSPath)' {
        $literal = Join-Path $bracket 'queue.db'
        (New-BqBackup -LiteralPath $literal -Destination (Join-Path $TestDrive 'lit')).SourcePath | Should -Be $literal
        (Get-ChildItem -LiteralPath $literal | New-BqBackup -Destination (Join-Path $TestDrive 'lit2')).SourcePath | Should -Be $literal
        (Get-Command New-BqBackup).Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
    }
}

Describe 'AWS.Tools parity' {
    BeforeAll {
        # TestDrive (s3rver's folder) is emptied after each Describe: this block writes its own backups.
        Invoke-WithEnvironment $noS3 { New-BqBackup -Path $db -Destination 's3://bqpipe/parity/' @s3 | Out-Null }
    }

    It '-SecretKey shows as a string and still takes a SecureString' {
        (Get-Command Get-BqBackup).Parameters['SecretKey'].ParameterType | Should -Be ([string])
        $secure = ConvertTo-SecureString 'S3RVER' -AsPlainText -Force
        Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/parity/' -EndpointUrl $server.Endpoint -AccessKey S3RVER -SecretKey $secure } | Should -Not -BeNullOrEmpty
    }

    It '-Credential takes an Amazon.Runtime.AWSCredentials (as AWS.Tools passes it) and a PSCredential' {
        # Found by name, as AWS.Tools' own copy of the SDK would be: the cmdlets never need our type.
        $type = [AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetType('Amazon.Runtime.BasicAWSCredentials') } | Where-Object { $_ } | Select-Object -First 1
        $aws = $type::new('S3RVER', 'S3RVER')
        Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/parity/' -EndpointUrl $server.Endpoint -Credential $aws } | Should -Not -BeNullOrEmpty
        $ps = [pscredential]::new('S3RVER', (ConvertTo-SecureString 'S3RVER' -AsPlainText -Force))
        Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/parity/' -EndpointUrl $server.Endpoint -Credential $ps } | Should -Not -BeNullOrEmpty
        { Get-BqBackup -Destination 's3://bqpipe/parity/' -Credential (Get-Date) -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,BqBackup.Commands.GetBqBackupCommand'
    }

    It '-Credential takes an AWSCredentials of another copy of the AWS SDK (AWS.Tools loads its own), through its GetCredentials()' {
        # A child pwsh, so the stand-in SDK types never meet this session's.
        $out = Invoke-ChildPwsh @"
Add-Type -TypeDefinition 'namespace Amazon.Runtime { public sealed class ImmutableCredentials { public ImmutableCredentials(string a, string s, string t) { AccessKey = a; SecretKey = s; Token = t; } public string AccessKey { get; } public string SecretKey { get; } public string Token { get; } } public abstract class AWSCredentials { public abstract ImmutableCredentials GetCredentials(); } public sealed class ForeignBasicCredentials : AWSCredentials { public int Calls; public override ImmutableCredentials GetCredentials() { Calls++; return new ImmutableCredentials("S3RVER", "S3RVER", null); } } }'
`$c = [Amazon.Runtime.ForeignBasicCredentials]::new()
`$n = @(Get-BqBackup -Destination 's3://bqpipe/parity/' -EndpointUrl '$($server.Endpoint)' -Credential `$c -ErrorAction Stop).Count
"listed=`$n calls=`$(`$c.Calls -gt 0)"
"@
        $out | Should -Match 'listed=[1-9]\d* calls=True'
    }

    It '-BucketName b -KeyPrefix p/ is -Destination s3://b/p/; both at once is DestinationConflict' {
        $byBucket = Invoke-WithEnvironment $noS3 { Get-BqBackup -BucketName bqpipe -KeyPrefix parity/ @s3 }
        $byUrl = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/parity/' @s3 }
        $byBucket.Name | Should -Be $byUrl.Name
        $byBucket[0].Destination | Should -Be 's3://bqpipe/parity/'
        $e = try { Get-BqBackup -Destination 's3://bqpipe/parity/' -BucketName bqpipe -ErrorAction SilentlyContinue; $null } catch { $_ }
        $e.FullyQualifiedErrorId | Should -Be 'DestinationConflict,BqBackup.Commands.GetBqBackupCommand'
        $e = try { Get-BqBackup -KeyPrefix parity/ -ErrorAction SilentlyContinue; $null } catch { $_ }
        $e.FullyQualifiedErrorId | Should -Be 'DestinationConflict,BqBackup.Commands.GetBqBackupCommand'
    }

    It 'Import-Csv buckets.csv (BucketName, KeyPrefix) | Get-BqBackup binds both by property name, as -Destination does' {
        $csv = Join-Path $TestDrive 'buckets.csv'
        "BucketName,KeyPrefix`nbqpipe,parity-csv/`nbqpipe,parity-none/" | Set-Content -LiteralPath $csv
        Invoke-WithEnvironment $noS3 { New-BqBackup -Path $db -Destination 's3://bqpipe/parity-csv/' @s3 | Out-Null }
        $listed = Invoke-WithEnvironment $noS3 { Import-Csv -LiteralPath $csv | Get-BqBackup @s3 -ErrorAction Stop }
        @($listed) | Should -HaveCount 1
        $listed.Destination | Should -Be 's3://bqpipe/parity-csv/'
        $health = Invoke-WithEnvironment $noS3 { Import-Csv -LiteralPath $csv | Get-BqBackupStatus @s3 -ErrorAction Stop }
        $health.Destination | Should -Be 's3://bqpipe/parity-csv/', 's3://bqpipe/parity-none/'
        $health.BackupCount | Should -Be 1, 0
    }

    It '-ForcePathStyleAddressing $true as AWS.Tools types it; -ForcePathStyle stays as its alias' {
        (Get-Command Get-BqBackup).Parameters['ForcePathStyleAddressing'].Aliases | Should -Contain 'ForcePathStyle'
        $b = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/parity/' @s3 -ForcePathStyleAddressing $true -Latest }
        $b.StoreSettings.ForcePathStyle | Should -BeTrue
        $b = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination 's3://bqpipe/parity/' @s3 -ForcePathStyle:$true -Latest }
        $b.StoreSettings.ForcePathStyle | Should -BeTrue
    }

    It '-ProfileLocation with -ProfileName reads that file; a profile it lacks is InvalidCredentials' {
        $e = Invoke-WithEnvironment $noS3 { try { Get-BqBackup -Destination 's3://bqpipe/parity/' -EndpointUrl $server.Endpoint -ProfileName nope -ProfileLocation $profiles -ErrorAction Stop; $null } catch { $_ } }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidCredentials,BqBackup.Commands.GetBqBackupCommand'
        $e.Exception.Message | Should -Match ([regex]::Escape($profiles))
    }

    It 'Tab completes -Region with the SDK''s regions' {
        $line = 'Get-BqBackup -Region eu-we'
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $matches.CompletionText | Should -Contain 'eu-west-1'
        $matches.CompletionText | Where-Object { $_ -notlike 'eu-we*' } | Should -BeNullOrEmpty
    }

    It 'Tab completes -ProfileName from the shared files (or -ProfileLocation), showing no secret' {
        $config = Join-Path $TestDrive 'aws-config'
        Set-Content -LiteralPath $config -Value "[default]`nregion = us-east-1`n[profile from-config]`nregion = eu-west-1`n[sso-session corp]`nsso_region = eu-west-1"
        $texts = Invoke-WithEnvironment @{ AWS_SHARED_CREDENTIALS_FILE = $profiles; AWS_CONFIG_FILE = $config } {
            $line = 'Get-BqBackup -ProfileName '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        }
        @($texts.CompletionText | Sort-Object) | Should -Be @('default', 'from-config', 'other', 'pipe')
        ($texts | ForEach-Object { $_.CompletionText + $_.ListItemText + $_.ToolTip }) -join ' ' | Should -Not -Match 'NOPE-SECRET'
        $line = "Test-BqBackup -ProfileLocation '$profiles' -ProfileName p"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'pipe'
    }
}

Describe 'Rows of an export are the backups they name' {
    BeforeAll {
        # A whole Get-BqBackup export (every column, dates and counts as text) piped with no -Latest/-All/-Name.
        $script:rowsDest = 's3://bqpipe/rows/'
        $script:rowsMade = Invoke-WithEnvironment $noS3 { New-BqBackup -Path $db -Destination $rowsDest @s3 }
        $script:rowsCsv = Join-Path $TestDrive 'rows.csv'
        Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination $rowsDest @s3 | Export-Csv -LiteralPath $rowsCsv }
        $script:rowsJson = Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination $rowsDest @s3 | ConvertTo-Json -Depth 5 }
    }

    It 'Import-Csv b.csv | Test-BqBackup tests the backup of each row, in its own store, with no S3 parameter again' {
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { Import-Csv -LiteralPath $rowsCsv | Test-BqBackup -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0].Name | Should -Be $rowsMade.Name
        $r.Output[0].Passed | Should -BeTrue
        $r.Output[0].ChecksumVerified | Should -BeTrue
    }

    It 'ConvertFrom-Json objects | Test-BqBackup does the same' {
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { $rowsJson | ConvertFrom-Json | Test-BqBackup -ErrorVariable global:BqPipeEv } }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output.Name | Should -Be $rowsMade.Name
        $r.Output.Passed | Should -BeTrue
    }

    It 'Import-Csv b.csv | Restore-BqBackup -Path db restores that backup' {
        $target = Join-Path $TestDrive 'from-row.db'
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { Import-Csv -LiteralPath $rowsCsv | Restore-BqBackup -Path $target -Confirm:$false -ErrorVariable global:BqPipeEv } }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output.Path | Should -Be $target
        Get-FileSha256 $target | Should -Be $rowsMade.Sha256
    }

    It 'Import-Csv b.csv | Remove-BqBackup -WhatIf names the backup and removes nothing' {
        # "What if" goes to the host, so the operator's session is a child pwsh whose screen is read.
        $text = Invoke-WithEnvironment $noS3 { Invoke-ChildPwsh "Import-Csv -LiteralPath '$rowsCsv' | Remove-BqBackup -WhatIf" }
        $text | Should -Match ('What if: .*' + [regex]::Escape("$($rowsMade.Name) in $rowsDest"))
        $text | Should -Not -Match 'Error|Exception'
        @(Invoke-WithEnvironment $noS3 { Get-BqBackup -Destination $rowsDest @s3 }).Name | Should -Be $rowsMade.Name
    }

    It 'ConvertFrom-Json objects | Copy-BqBackup -To folder copies that backup, verified' {
        $to = Join-Path $TestDrive 'rows-copy'
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { $rowsJson | ConvertFrom-Json | Copy-BqBackup -To $to -ErrorVariable global:BqPipeEv } }
        $r.Errors | Should -BeNullOrEmpty
        $copied = @(Get-BqBackup -Destination $to)
        $copied.Name | Should -Be $rowsMade.Name
        $copied[0].Sha256 | Should -Be $rowsMade.Sha256
    }

    It 'a row without Destination or Name is InputObjectIncomplete naming it, and the next row still runs' {
        $rows = @(Import-Csv -LiteralPath $rowsCsv)
        $noDestination = $rows[0].PSObject.Copy(); $noDestination.Destination = ''
        $noName = $rows[0] | Select-Object * -ExcludeProperty Name
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { $noDestination, $noName, $rows[0] | Test-BqBackup -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Output.Name | Should -Be $rowsMade.Name
        $r.Errors | Should -HaveCount 2
        $r.Errors.FullyQualifiedErrorId | Should -Be @('InputObjectIncomplete,BqBackup.Commands.TestBqBackupCommand', 'InputObjectIncomplete,BqBackup.Commands.TestBqBackupCommand')
        $r.Errors.TargetObject | Should -Be @('Destination', 'Name')

        $r = Invoke-Operator { $noName | Remove-BqBackup -WhatIf -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv }
        $r.Errors.FullyQualifiedErrorId | Should -Be 'InputObjectIncomplete,BqBackup.Commands.RemoveBqBackupCommand'
        $r.Errors.TargetObject | Should -Be 'Name'
    }

    It 'a row whose StoreSettings column is not BqBackup''s is InvalidStoreSettings for that row' {
        $bad = (Import-Csv -LiteralPath $rowsCsv)[0]; $bad.StoreSettings = 'not settings at all'
        $r = Invoke-WithEnvironment $noS3 { Invoke-Operator { $bad, (Import-Csv -LiteralPath $rowsCsv) | Test-BqBackup -ErrorAction SilentlyContinue -ErrorVariable global:BqPipeEv } }
        $r.Terminated | Should -BeNullOrEmpty
        $r.Output.Passed | Should -BeTrue
        $r.Errors | Should -HaveCount 1
        Get-ErrorId $r.Errors[0] | Should -Be 'InvalidStoreSettings'
    }
}
