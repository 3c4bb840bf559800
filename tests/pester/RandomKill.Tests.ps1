# A short run of the random-kill driver (tests/stress/RandomKill.psm1): a few dozen operations
# killed with SIGKILL at random moments, every invariant checked after each. The seed is printed;
# replay a failure with tests/stress/Invoke-RandomKill.ps1 -Seed N -Steps M. BQBACKUP_KILL_SEED
# fixes the seed, BQBACKUP_KILL_STEPS the length.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    Import-Module (Join-Path $PSScriptRoot '../stress/RandomKill.psm1') -Force
    $script:server = Start-S3Server -Bucket 'bqkill' -Root $TestDrive
    $script:seed = if ($env:BQBACKUP_KILL_SEED) { [int] $env:BQBACKUP_KILL_SEED } else { Get-Random -Maximum 1000000 }
    $script:steps = if ($env:BQBACKUP_KILL_STEPS) { [int] $env:BQBACKUP_KILL_STEPS } else { 30 }
}

AfterAll { Stop-S3Server $server }

Describe 'Hostile ground: SIGKILL at random moments' {
    It 'keeps every invariant through random kills of backups, restores and expiries (seed printed)' {
        Write-Host "random kill: seed $seed, $steps steps (replay: tests/stress/Invoke-RandomKill.ps1 -Seed $seed -Steps $steps)"
        $run = Invoke-RandomKillRun -Seed $seed -Steps $steps -WorkDir (Join-Path $TestDrive 'kill') -RepoRoot (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path -S3Server $server
        Write-Host ("seed {0}: {1} steps, {2} killed" -f $run.Seed, $run.Steps, $run.Kills)
        $run.Kills | Should -BeGreaterThan 0 -Because 'a run that killed nothing proves nothing'
        $run.Violations | Should -BeNullOrEmpty -Because "seed $seed"
    }
}
