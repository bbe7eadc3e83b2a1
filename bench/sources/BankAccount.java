package com.example.bank;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A single customer account with an overdraft limit and a transaction log.
 * All amounts are in the account currency with two decimal places.
 */
public class BankAccount {

    public enum Kind { DEPOSIT, WITHDRAWAL, TRANSFER_IN, TRANSFER_OUT, FEE, INTEREST }

    public static final class Transaction {
        private final Kind kind;
        private final BigDecimal amount;
        private final BigDecimal balanceAfter;
        private final Instant at;
        private final String memo;

        Transaction(Kind kind, BigDecimal amount, BigDecimal balanceAfter, String memo) {
            this.kind = kind;
            this.amount = amount;
            this.balanceAfter = balanceAfter;
            this.at = Instant.now();
            this.memo = memo;
        }

        public Kind getKind() { return kind; }
        public BigDecimal getAmount() { return amount; }
        public BigDecimal getBalanceAfter() { return balanceAfter; }
        public Instant getAt() { return at; }
        public String getMemo() { return memo; }

        @Override
        public String toString() {
            return String.format("%s %s %s (%s)", at, kind, amount, memo);
        }
    }

    public static class InsufficientFundsException extends RuntimeException {
        public InsufficientFundsException(String message) {
            super(message);
        }
    }

    private static final BigDecimal OVERDRAFT_FEE = new BigDecimal("15.00");
    private static final int SCALE = 2;

    private final String iban;
    private final String owner;
    private BigDecimal balance = BigDecimal.ZERO.setScale(SCALE);
    private BigDecimal overdraftLimit;
    private boolean frozen;
    private final List<Transaction> log = new ArrayList<>();

    public BankAccount(String iban, String owner, BigDecimal overdraftLimit) {
        this.iban = Objects.requireNonNull(iban, "iban");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.overdraftLimit = normalize(overdraftLimit);
    }

    private static BigDecimal normalize(BigDecimal value) {
        return value.setScale(SCALE, RoundingMode.HALF_EVEN);
    }

    private void requirePositive(BigDecimal amt) {
        if (amt == null || amt.signum() <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amt);
        }
    }

    private void requireActive() {
        if (frozen) {
            throw new IllegalStateException("account " + iban + " is frozen");
        }
    }

    private void record(Kind kind, BigDecimal amount, String memo) {
        log.add(new Transaction(kind, amount, balance, memo));
    }

    public void deposit(BigDecimal amount, String memo) {
        requireActive();
        BigDecimal amt = normalize(amount);
        requirePositive(amt);
        balance = balance.add(amt);
        record(Kind.DEPOSIT, amt, memo);
    }

    public void withdraw(BigDecimal amount, String memo) {
        requireActive();
        BigDecimal amt = normalize(amount);
        requirePositive(amt);
        BigDecimal after = balance.subtract(amt);
        if (after.compareTo(overdraftLimit.negate()) < 0) {
            throw new InsufficientFundsException(
                "withdrawal of " + amt + " exceeds the overdraft limit of " + overdraftLimit);
        }
        boolean wasPositive = balance.signum() >= 0;
        balance = after;
        record(Kind.WITHDRAWAL, amt, memo);
        if (wasPositive && balance.signum() < 0) {
            balance = balance.subtract(OVERDRAFT_FEE);
            record(Kind.FEE, OVERDRAFT_FEE, "overdraft fee");
        }
    }

    public void transferTo(BankAccount target, BigDecimal amount, String memo) {
        if (target == this) {
            throw new IllegalArgumentException("cannot transfer to the same account");
        }
        requireActive();
        target.requireActive();
        BigDecimal amt = normalize(amount);
        requirePositive(amt);
        BigDecimal after = balance.subtract(amt);
        if (after.compareTo(overdraftLimit.negate()) < 0) {
            throw new InsufficientFundsException("transfer of " + amt + " exceeds available funds");
        }
        balance = after;
        record(Kind.TRANSFER_OUT, amt, memo + " to " + target.iban);
        target.balance = target.balance.add(amt);
        target.record(Kind.TRANSFER_IN, amt, memo + " from " + iban);
    }

    public void applyMonthlyInterest(BigDecimal annualRatePercent) {
        if (balance.signum() <= 0) {
            return;
        }
        BigDecimal monthly = annualRatePercent
            .divide(new BigDecimal("1200"), 10, RoundingMode.HALF_EVEN);
        BigDecimal interest = normalize(balance.multiply(monthly));
        if (interest.signum() > 0) {
            balance = balance.add(interest);
            record(Kind.INTEREST, interest, "monthly interest");
        }
    }

    public BigDecimal available() {
        return balance.add(overdraftLimit);
    }

    public void freeze() { frozen = true; }
    public void unfreeze() { frozen = false; }
    public boolean isFrozen() { return frozen; }

    public void setOverdraftLimit(BigDecimal limit) {
        BigDecimal normalized = normalize(limit);
        if (normalized.signum() < 0) {
            throw new IllegalArgumentException("overdraft limit must not be negative");
        }
        if (balance.compareTo(normalized.negate()) < 0) {
            throw new IllegalStateException("balance already below the new limit");
        }
        this.overdraftLimit = normalized;
    }

    public String getIban() { return iban; }
    public String getOwner() { return owner; }
    public BigDecimal getBalance() { return balance; }
    public BigDecimal getOverdraftLimit() { return overdraftLimit; }

    public List<Transaction> getLog() {
        return Collections.unmodifiableList(log);
    }

    public List<Transaction> statement(Instant from, Instant to) {
        List<Transaction> out = new ArrayList<>();
        for (Transaction t : log) {
            if (!t.getAt().isBefore(from) && t.getAt().isBefore(to)) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "BankAccount[" + iban + ", " + owner + ", balance=" + balance + "]";
    }
}
