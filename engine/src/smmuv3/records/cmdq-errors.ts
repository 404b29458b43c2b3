// What each command-queue error (SMMU_CMDQ_CONS.ERR, Arm IHI 0070 §7.1) means and what to check,
// as data beside the event types' causes and next steps (event-types.ts): hosts print it for a
// logged CMDQ error. Where Linux's handling (arm_smmu_cmdq_skip_err) changes what to check, the
// steps say so.

/** The cause and next steps of one CERROR value. */
export interface CmdqErrorHelp {
  readonly cause: string;
  readonly nextSteps: readonly string[];
}

/** Keyed by the CERROR name of SMMU_CMDQ_CONS.ERR's table (registers.ts). */
const CMDQ_ERROR_HELP: Readonly<Record<string, CmdqErrorHelp>> = {
  CERROR_ILL: {
    cause:
      "The SMMU stopped consuming the command queue at this command (CONS points at it; IHI 0070 §7.1): " +
      "its opcode is Reserved or unknown to this SMMU, a field holds an ILLEGAL or Reserved value, " +
      "or the command needs a feature IDR0 says is absent.",
    nextSteps: [
      "If problems are listed above, the first one is the reason.",
      "Otherwise check the command against IDR0: S1P/S2P (CMD_CFGI_CD*, stage-2 TLBIs), Hyp (CMD_TLBI_EL2_*), " +
        "ATS (CMD_ATC_INV), PRI (CMD_PRI_RESP), STALL_MODEL (CMD_RESUME, CMD_STALL_TERM); SSec=1 is only legal on the Secure queue.",
      "Linux replaced the command with a CMD_SYNC and went on: the invalidation or response it carried did not happen, " +
        "so caches may hold stale STEs, CDs or TLB entries.",
    ],
  },
  CERROR_ABT: {
    cause:
      "An external abort (or GPC fault) while reading the command from queue memory (IHI 0070 §7.1): " +
      "the SMMU cannot read the memory SMMU_CMDQ_BASE points at.",
    nextSteps: [
      "Check SMMU_CMDQ_BASE (address, LOG2SIZE) against the memory the driver allocated.",
      "Check that memory is accessible to the SMMU (GPT / Realm state, interconnect, memory attributes).",
      "Linux retries the fetch; a repeating error means the queue memory stays unreadable.",
    ],
  },
  CERROR_ATC_INV_SYNC: {
    cause:
      "A CMD_SYNC found that an earlier CMD_ATC_INV failed or timed out at the endpoint (IHI 0070 §7.1): " +
      "the PCIe device did not complete the ATS invalidation.",
    nextSteps: [
      "Check the device's ATS support and firmware, and the link (AER errors, resets, surprise removal).",
      "The device's ATC may still hold translations the OS has unmapped: treat further DMA from it as suspect.",
    ],
  },
};

/** The cause and next steps of a CERROR name (`CERROR_ILL`); undefined for CERROR_NONE and unknown names. */
export function cmdqErrorHelp(name: string): CmdqErrorHelp | undefined {
  return Object.hasOwn(CMDQ_ERROR_HELP, name) ? CMDQ_ERROR_HELP[name] : undefined;
}
