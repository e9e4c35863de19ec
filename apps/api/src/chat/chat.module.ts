import { Module } from '@nestjs/common';
import { AxeController, ChatController, OpenAiCompatController } from './chat.controller';
import { ChatService } from './chat.service';

@Module({
  controllers: [ChatController, OpenAiCompatController, AxeController],
  providers: [ChatService],
})
export class ChatModule {}
