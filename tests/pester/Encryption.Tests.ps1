# age encryption end to end: New-BqBackup -Recipient/-RecipientFile/-Passphrase, listing who can
# open a backup, Test-BqBackup with and without an identity, Restore-BqBackup -IdentityFile, both
# ways with Debian's stock age, every tamper case with its ErrorId (the live database byte for
# byte as it was), and no identity in any stream or file we write.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 300 | Out-Null
    $script:keyFile = Join-Path $TestDrive 'key.txt'
    $script:otherKeyFile = Join-Path $TestDrive 'other.txt'
    & /usr/bin/age-keygen -o $keyFile 2>$null
    & /usr/bin/age-keygen -o $otherKeyFile 2>$null
    $script:pub = (& /usr/bin/age-keygen -y $keyFile).Trim()
    $script:otherPub = (& /usr/bin/age-keygen -y $otherKeyFile).Trim()
    $script:secret = (Get-Content $keyFile | Where-Object { $_ -like 'AGE-SECRET-KEY-1*' }).Trim()
    $script:otherSecret = (Get-Content $otherKeyFile | Where-Object { $_ -like 'AGE-SECRET-KEY-1*' }).Trim()

    # Restore's failures are per item (non-terminating), so the error is caught as a runbook would: -ErrorAction Stop.
    function Get-ErrorOf([scriptblock] $Command) { $ErrorActionPreference = 'Stop'; try { & $Command; $null } catch { $_ } }

    # The length of the age header (through the MAC line) of a file's bytes.
    function Get-AgeHeaderLength([byte[]] $Bytes) {
        $text = [Text.Encoding]::ASCII.GetString($Bytes, 0, [Math]::Min($Bytes.Length, 4096))
        $mac = $text.IndexOf("`n--- ")
        $text.IndexOf("`n", $mac + 1) + 1
    }

    # A live database to restore over, and its SHA-256 to compare after a refused restore.
    function New-LiveCopy { $live = Join-Path $TestDrive ("live-" + [guid]::NewGuid().ToString('N') + '.db'); Copy-Item $db $live; $live }

    # Every file under a folder, read as text (sidecars, status record, bodies).
    function Get-AllText([string] $Folder) { Get-ChildItem -LiteralPath $Folder -Recurse -File -Force | ForEach-Object { [IO.File]::ReadAllText($_.FullName) } }
}

Describe 'An encrypted backup in a folder' {
    BeforeAll {
        $script:dest = Join-Path $TestDrive 'enc'
        $script:backup = New-BqBackup -Path $db -Destination $dest -Recipient $pub, $otherPub
        $script:body = Join-Path $dest $backup.Name
    }

    It 'is named backup-YYYY-MM-DDTHH-mm-ss.db.gz.age and is an age file' {
        $backup.Name | Should -Match '^backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.db\.gz\.age$'
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($body), 0, 21) | Should -Be 'age-encryption.org/v1'
        $backup.Encrypted | Should -BeTrue
        $backup.Size | Should -Be (Get-Item $body).Length
    }

    It 'has a sidecar readable without a key: encryption age, the public recipients, compressedSize the stored size, no secret' {
        $meta = Get-Content -Raw "$body.meta.json" | ConvertFrom-Json
        $meta.encryption | Should -Be 'age'
        @($meta.recipients) | Should -Be @($pub, $otherPub)
        $meta.compressedSize | Should -Be (Get-Item $body).Length
        $meta.size | Should -Be $backup.DatabaseSize
        $meta.checksum | Should -Be $backup.Sha256
        $meta.counts.waiting | Should -Not -BeNullOrEmpty
        (Get-AllText $dest) -join "`n" | Should -Not -Match 'AGE-SECRET-KEY'
    }

    It 'lists with Encrypted and who can open it' {
        $listed = Get-BqBackup -Destination $dest -Latest
        $listed.Name | Should -Be $backup.Name
        $listed.Encrypted | Should -BeTrue
        $listed.Recipients | Should -Be @($pub, $otherPub)
        $listed.Status | Should -Be 'Ok'
        ($listed | Format-List | Out-String) | Should -Match ([regex]::Escape($otherPub))
    }

    It 'Test-BqBackup without an identity checks what it can and says plainly the contents were not verified' {
        $result = Test-BqBackup -Destination $dest -Latest -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Result | Should -Be 'NotVerified'
        $result.Passed | Should -BeFalse
        $result.ContentsVerified | Should -BeFalse
        $result.Reasons | Should -BeNullOrEmpty
        $result.Recipients | Should -Be @($pub, $otherPub)
        "$warnings" | Should -Match 'NOT verified'
    }

    It 'Test-BqBackup without an identity fails a body whose size differs from its sidecar' {
        $cut = Join-Path $TestDrive 'enc-cut'
        New-Item -ItemType Directory $cut | Out-Null
        Copy-Item "$body*" $cut
        $copy = Join-Path $cut $backup.Name
        $bytes = [IO.File]::ReadAllBytes($copy)
        [IO.File]::WriteAllBytes($copy, $bytes[0..($bytes.Length - 1001)])
        $result = Test-BqBackup -Destination $cut -Latest -WarningAction SilentlyContinue
        $result.Result | Should -Be 'Failed'
        $result.ErrorIds | Should -Contain 'SizeMismatch'
    }

    It 'Test-BqBackup with an identity decrypts, checks every chunk, gunzips, runs integrity_check and counts' {
        $result = Test-BqBackup -Destination $dest -Latest -IdentityFile $otherKeyFile
        $result.Result | Should -Be 'Passed'
        $result.ContentsVerified | Should -BeTrue
        $result.ChecksumVerified | Should -BeTrue
        $result.IntegrityCheck | Should -Be 'ok'
        $result.Counts.ToString() | Should -Be $backup.Counts.ToString()
    }

    It 'Restore-BqBackup -IdentityFile restores the database the sidecar describes' {
        $target = Join-Path $TestDrive 'restored.db'
        $r = Get-BqBackup -Destination $dest -Latest | Restore-BqBackup -Path $target -IdentityFile $keyFile -Confirm:$false -Verbose 4>&1 |
            Tee-Object -Variable streams | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        # PowerShell 7's runtime has ChaCha20-Poly1305 of its own (OpenSSL): the fast path, not BouncyCastle's.
        ($streams | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match "chunks opened by the runtime's ChaCha20-Poly1305"
        $r.Encrypted | Should -BeTrue
        $r.ChecksumVerified | Should -BeTrue
        Get-FileSha256 $target | Should -Be $backup.Sha256
    }

    It 'Debian''s stock age opens it: age -d -i key.txt | gunzip gives the database' {
        $out = Join-Path $TestDrive 'stock.db'
        bash -c "age -d -i '$keyFile' '$body' | gunzip > '$out'"
        $LASTEXITCODE | Should -Be 0
        Get-FileSha256 $out | Should -Be $backup.Sha256
    }

    It 'restores a body the stock age encrypted (a gzip of a database, with its sidecar)' {
        $stock = Join-Path $TestDrive 'stock-dest'
        $plain = New-BqBackup -Path $db -Destination $stock
        $name = "$($plain.Name).age"
        & /usr/bin/age -r $pub -o (Join-Path $stock $name) (Join-Path $stock $plain.Name)
        Move-Item (Join-Path $stock "$($plain.Name).meta.json") (Join-Path $stock "$name.meta.json")
        Remove-Item (Join-Path $stock $plain.Name)
        $listed = Get-BqBackup -Destination $stock -Name $name
        $listed.Encrypted | Should -BeTrue
        $target = Join-Path $TestDrive 'from-stock.db'
        $r = Restore-BqBackup -Path $target -Destination $stock -Name $name -IdentityFile $keyFile -Confirm:$false
        $r.ChecksumVerified | Should -BeTrue
        Get-FileSha256 $target | Should -Be $plain.Sha256
        (Test-BqBackup -Destination $stock -Name $name -IdentityFile $keyFile).Result | Should -Be 'Passed'
    }

    It 'a plain backup still restores when an identity is given, and stays the default' {
        $plainDest = Join-Path $TestDrive 'plain'
        $plain = New-BqBackup -Path $db -Destination $plainDest
        $plain.Name | Should -Match '\.db\.gz$'
        $plain.Encrypted | Should -BeFalse
        (Get-Content -Raw (Join-Path $plainDest "$($plain.Name).meta.json")) | Should -Not -Match 'encryption'
        (Test-BqBackup -Destination $plainDest -Latest -IdentityFile $keyFile).Result | Should -Be 'Passed'
    }
}

Describe 'A refused encrypted restore leaves the live database as it was' {
    BeforeAll {
        $script:src = Join-Path $TestDrive 'tamper-src'
        $script:backup = New-BqBackup -Path $db -Destination $src -Recipient $pub
        $script:bytes = [IO.File]::ReadAllBytes((Join-Path $src $backup.Name))
        $script:payloadStart = (Get-AgeHeaderLength $bytes) + 16
        $script:chunk = 65536 + 16
        $bytes.Length - $payloadStart | Should -BeGreaterThan (2 * $chunk) -Because 'the tamper cases need three chunks'

        # A destination holding the backup's sidecar and the given body bytes under its name.
        function New-TamperedDestination([byte[]] $Body, [string] $Label) {
            $d = Join-Path $TestDrive "tampered-$Label"
            New-Item -ItemType Directory $d -Force | Out-Null
            Copy-Item (Join-Path $src "$($backup.Name).meta.json") $d
            [IO.File]::WriteAllBytes((Join-Path $d $backup.Name), $Body)
            $d
        }
        function Join-Bytes { $list = [Collections.Generic.List[byte]]::new(); foreach ($part in $args) { $list.AddRange([byte[]] $part) }; $list.ToArray() }
        $p = $payloadStart; $c = $chunk
        $script:cases = @{
            flipped   = { $b = [byte[]] $bytes.Clone(); $b[$p + 100] = $b[$p + 100] -bxor 1; $b }
            reordered = { Join-Bytes $bytes[0..($p - 1)] $bytes[($p + $c)..($p + 2 * $c - 1)] $bytes[$p..($p + $c - 1)] $bytes[($p + 2 * $c)..($bytes.Length - 1)] }
            dropped   = { Join-Bytes $bytes[0..($p + $c - 1)] $bytes[($p + 2 * $c)..($bytes.Length - 1)] }
            truncated = { $bytes[0..($p + $c - 1)] }
            cutInside = { $bytes[0..($bytes.Length - 101)] }
            macAltered = { $b = [byte[]] $bytes.Clone(); $i = $p - 16 - 3; $b[$i] = if ($b[$i] -eq [byte][char]'A') { [byte][char]'B' } else { [byte][char]'A' }; $b }
        }
    }

    It '<Case>: Restore-BqBackup fails with <ErrorId>, Test-BqBackup reports it, the database is untouched' -ForEach @(
        @{ Case = 'flipped'; ErrorId = 'AgeBodyTampered' }
        @{ Case = 'reordered'; ErrorId = 'AgeBodyTampered' }
        @{ Case = 'dropped'; ErrorId = 'AgeBodyTampered' }
        @{ Case = 'truncated'; ErrorId = 'AgeBodyTruncated' }
        @{ Case = 'cutInside'; ErrorId = 'AgeBodyTampered' }
        @{ Case = 'macAltered'; ErrorId = 'AgeHeaderMacMismatch' }
    ) {
        $d = New-TamperedDestination (& $cases[$Case]) $Case
        $live = New-LiveCopy
        $before = Get-FileSha256 $live
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $d -Latest -IdentityFile $keyFile -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be "$ErrorId,BqBackup.Commands.RestoreBqBackupCommand"
        $e.Exception.Message | Should -Match 'The database was not changed'
        Get-FileSha256 $live | Should -Be $before
        @(Get-ChildItem -Force (Split-Path $live) -Filter '.*bqrestore-*').Count | Should -Be 0
        $t = Test-BqBackup -Destination $d -Latest -IdentityFile $keyFile
        $t.Result | Should -Be 'Failed'
        $t.ErrorIds | Should -Contain $ErrorId
    }

    It 'a wrong key: AgeNoMatchingIdentity naming the recipients, the database untouched' {
        $live = New-LiveCopy
        $before = Get-FileSha256 $live
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $src -Latest -IdentityFile $otherKeyFile -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'AgeNoMatchingIdentity,BqBackup.Commands.RestoreBqBackupCommand'
        $e.Exception.Message | Should -Match ([regex]::Escape($pub))
        Get-FileSha256 $live | Should -Be $before
    }

    It 'a header for another recipient (re-encrypted with stock age): AgeNoMatchingIdentity, the database untouched' {
        $plain = Join-Path $TestDrive 'reenc.gz'
        & /usr/bin/age -d -i $keyFile -o $plain (Join-Path $src $backup.Name)
        & /usr/bin/age -r $otherPub -o "$plain.age" $plain
        $d = New-TamperedDestination ([IO.File]::ReadAllBytes("$plain.age")) 'other-recipient'
        $live = New-LiveCopy
        $before = Get-FileSha256 $live
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $d -Latest -IdentityFile $keyFile -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'AgeNoMatchingIdentity,BqBackup.Commands.RestoreBqBackupCommand'
        Get-FileSha256 $live | Should -Be $before
    }

    It 'no identity at all: AgeIdentityRequired, saying how to give one, the database untouched' {
        $live = New-LiveCopy
        $before = Get-FileSha256 $live
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $src -Latest -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'AgeIdentityRequired,BqBackup.Commands.RestoreBqBackupCommand'
        $e.ErrorDetails.RecommendedAction | Should -Match 'BQBACKUP_AGE_IDENTITY_FILE'
        Get-FileSha256 $live | Should -Be $before
    }
}

Describe '-MinimalMetadata' {
    It 'leaves the checksum and counts out; the restore relies on age and gzip, and still refuses a tampered body' {
        $d = Join-Path $TestDrive 'minimal'
        $backup = New-BqBackup -Path $db -Destination $d -Recipient $pub -MinimalMetadata
        $metaText = Get-Content -Raw (Join-Path $d "$($backup.Name).meta.json")
        $meta = $metaText | ConvertFrom-Json
        $meta.PSObject.Properties.Name | Should -Not -Contain 'checksum'
        $meta.PSObject.Properties.Name | Should -Not -Contain 'counts'
        $meta.encryption | Should -Be 'age'
        $meta.size | Should -BeGreaterThan 0
        $listed = Get-BqBackup -Destination $d -Latest
        $listed.Status | Should -Be 'Ok'
        $listed.Sha256 | Should -BeNullOrEmpty

        $target = Join-Path $TestDrive 'minimal-restored.db'
        $r = Restore-BqBackup -Path $target -Destination $d -Latest -IdentityFile $keyFile -Confirm:$false
        $r.ChecksumVerified | Should -BeFalse
        $r.Encrypted | Should -BeTrue
        $r.IntegrityCheck | Should -Be 'ok'
        Get-FileSha256 $target | Should -Be (Get-FileSha256 $r.Path)
        (Test-BqBackup -Destination $d -Latest -IdentityFile $keyFile).Result | Should -Be 'Passed'

        $body = Join-Path $d $backup.Name
        $bytes = [IO.File]::ReadAllBytes($body)
        $bytes[$bytes.Length - 50] = $bytes[$bytes.Length - 50] -bxor 4
        [IO.File]::WriteAllBytes($body, $bytes)
        $live = New-LiveCopy
        $before = Get-FileSha256 $live
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $d -Latest -IdentityFile $keyFile -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'AgeBodyTampered,BqBackup.Commands.RestoreBqBackupCommand'
        Get-FileSha256 $live | Should -Be $before
    }

    It 'without encryption is refused: AgeRecipientRequired' {
        $e = Get-ErrorOf { New-BqBackup -Path $db -Destination (Join-Path $TestDrive 'minimal-plain') -MinimalMetadata }
        $e.FullyQualifiedErrorId | Should -Be 'AgeRecipientRequired,BqBackup.Commands.NewBqBackupCommand'
        Join-Path $TestDrive 'minimal-plain' | Should -Not -Exist
    }
}

Describe 'Passphrase, recipients files and the environment' {
    It '-Passphrase encrypts to an scrypt recipient that -Passphrase opens, and a wrong one does not' {
        $d = Join-Path $TestDrive 'pass'
        $pass = ConvertTo-SecureString 'correct horse battery staple' -AsPlainText -Force
        $backup = New-BqBackup -Path $db -Destination $d -Passphrase $pass
        $backup.Recipients | Should -Be @('scrypt')
        (Get-Content -Raw (Join-Path $d "$($backup.Name).meta.json")) | Should -Not -Match 'horse'
        $target = Join-Path $TestDrive 'pass.db'
        Restore-BqBackup -Path $target -Destination $d -Latest -Passphrase $pass -Confirm:$false | Out-Null
        Get-FileSha256 $target | Should -Be $backup.Sha256
        $wrong = ConvertTo-SecureString 'wrong' -AsPlainText -Force
        $t = Test-BqBackup -Destination $d -Latest -Passphrase $wrong
        $t.ErrorIds | Should -Contain 'AgeNoMatchingIdentity'
    }

    It '-Passphrase beside -Recipient is refused: AgeRecipientInvalid' {
        $pass = ConvertTo-SecureString 'x' -AsPlainText -Force
        $e = Get-ErrorOf { New-BqBackup -Path $db -Destination (Join-Path $TestDrive 'mixed') -Passphrase $pass -Recipient $pub }
        $e.FullyQualifiedErrorId | Should -Be 'AgeRecipientInvalid,BqBackup.Commands.NewBqBackupCommand'
    }

    It '-RecipientFile reads an age recipients file' {
        $file = Join-Path $TestDrive 'recipients.txt'
        Set-Content $file "# ops`n$pub`n`n# break-glass`n$otherPub"
        $backup = New-BqBackup -Path $db -Destination (Join-Path $TestDrive 'rfile') -RecipientFile $file
        $backup.Recipients | Should -Be @($pub, $otherPub)
    }

    It 'BQBACKUP_AGE_RECIPIENTS (comma or whitespace separated), BQBACKUP_AGE_RECIPIENTS_FILE and BQBACKUP_AGE_IDENTITY_FILE for unattended runs' {
        $d = Join-Path $TestDrive 'env'
        $file = Join-Path $TestDrive 'env-recipients.txt'
        Set-Content $file $otherPub
        $backup = Invoke-WithEnvironment @{ BQBACKUP_AGE_RECIPIENTS = " $pub ,"; BQBACKUP_AGE_RECIPIENTS_FILE = $file } { New-BqBackup -Path $db -Destination $d }
        $backup.Encrypted | Should -BeTrue
        $backup.Recipients | Should -Be @($pub, $otherPub)
        $result = Invoke-WithEnvironment @{ BQBACKUP_AGE_IDENTITY_FILE = $otherKeyFile } { Test-BqBackup -Destination $d -Latest }
        $result.Result | Should -Be 'Passed'
        $two = Invoke-WithEnvironment @{ BQBACKUP_AGE_RECIPIENTS = "$pub`t$otherPub" } { New-BqBackup -Path $db -Destination (Join-Path $TestDrive 'env2') }
        $two.Recipients | Should -Be @($pub, $otherPub)
    }
}

Describe 'An identity never reaches output, errors, verbose or files' {
    It 'across backup, list, test and restore, wrong keys and mistakes included' {
        $d = Join-Path $TestDrive 'secrets'
        $all = & {
            New-BqBackup -Path $db -Destination $d -Recipient $pub -Verbose
            Get-BqBackup -Destination $d -Verbose | Format-List * | Out-String
            Test-BqBackup -Destination $d -Latest -IdentityFile $keyFile -Verbose | Format-List * | Out-String
            Test-BqBackup -Destination $d -Latest -IdentityFile $otherKeyFile -Verbose | Format-List * | Out-String
            Restore-BqBackup -Path (Join-Path $TestDrive 'secrets.db') -Destination $d -Latest -IdentityFile $keyFile -Confirm:$false -Verbose | Format-List * | Out-String
            try { Restore-BqBackup -Path (Join-Path $TestDrive 'secrets.db') -Destination $d -Latest -IdentityFile $otherKeyFile -Confirm:$false -Verbose } catch { $_ }
            # A secret key given where a public key belongs is refused without being repeated.
            try { New-BqBackup -Path $db -Destination $d -Recipient $secret } catch { $_ }
        } *>&1
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 2
        $errors.FullyQualifiedErrorId | Should -Contain 'AgeRecipientInvalid,BqBackup.Commands.NewBqBackupCommand'
        $text = ($all | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { "$($_.Exception.ToString()) $($_.TargetObject) $($_.ErrorDetails.Message) $($_.ErrorDetails.RecommendedAction)" } else { "$_" }
        }) -join "`n"
        $text | Should -Match ([regex]::Escape($pub))
        foreach ($s in $secret, $otherSecret) {
            $text | Should -Not -Match ([regex]::Escape($s))
            $text | Should -Not -Match ([regex]::Escape($s.Substring(15, 20)))
        }
        (Get-AllText $d) -join "`n" | Should -Not -Match 'AGE-SECRET-KEY'
    }
}

Describe 'An encrypted backup in S3 (s3rver)' {
    BeforeAll {
        $script:server = Start-S3Server -Bucket 'bqage' -Root $TestDrive
        $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    }
    AfterAll { Stop-S3Server $server }

    It 'encrypts, lists recipients, tests with and without an identity, restores, and stock age opens what landed' {
        $dest = 's3://bqage/enc/'
        $backup = New-BqBackup -Path $db -Destination $dest -Recipient $pub @s3
        $backup.Name | Should -Match '\.db\.gz\.age$'
        $listed = Get-BqBackup -Destination $dest -Latest @s3
        $listed.Recipients | Should -Be @($pub)
        (Test-BqBackup -Destination $dest -Latest @s3 -WarningAction SilentlyContinue).Result | Should -Be 'NotVerified'
        (Test-BqBackup -Destination $dest -Latest -IdentityFile $keyFile @s3).Result | Should -Be 'Passed'
        $target = Join-Path $TestDrive 's3-restored.db'
        $listed | Restore-BqBackup -Path $target -IdentityFile $keyFile -Confirm:$false @s3 | Out-Null
        Get-FileSha256 $target | Should -Be $backup.Sha256

        $local = Join-Path $TestDrive 's3-body.age'
        Invoke-Aws $server s3 cp "s3://bqage/enc/$($backup.Name)" $local | Out-Null
        bash -c "age -d -i '$keyFile' '$local' | gunzip > '$local.db'"
        Get-FileSha256 "$local.db" | Should -Be $backup.Sha256
    }
}
